"""A Word or Excel file loses the people in it (issue 4): comment and tracked-change authors,
Word's people list, Excel's persons and shared-workbook users, the folder it was saved in and
custom XML data; the document itself stays readable and unchanged."""

import io
import zipfile
from xml.etree import ElementTree

import pytest

from aspirasi.attachments import content
from aspirasi.attachments.content import Refused
from tests.public.helpers import AUTHOR, DOCX_MAIN

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
W15 = 'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml"'
REVIEWER = "Dr. Joko Santoso"
ACCOUNT = "siti.rahma@students.unmul.ac.id"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
RELS = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
SHAREPOINT = "http://schemas.microsoft.com/office/2006/metadata/properties"


def build(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def types(main: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/main" ContentType="{main}"/></Types>'
    )


def sharepoint_item(name: str) -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><p:properties xmlns:p="{SHAREPOINT}">'
        f"<documentManagement><Owner><UserInfo><DisplayName>{name}</DisplayName>"
        f"<AccountId>12</AccountId></UserInfo></Owner></documentManagement></p:properties>"
    )


def item_props(guid: str) -> str:
    return (
        '<?xml version="1.0"?><ds:datastoreItem ds:itemID="{' + guid + '}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>'
    )


BOUND_GUID = "11111111-2222-3333-4444-555555555555"
FREE_GUID = "66666666-7777-8888-9999-000000000000"


def docx_with_reviewers() -> bytes:
    return build(
        {
            "[Content_Types].xml": types(DOCX_MAIN),
            "word/document.xml": (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}><w:body>'
                "<w:p><w:r><w:t>Isi laporan</w:t></w:r>"
                f'<w:ins w:id="1" w:author="{AUTHOR}" w:date="2026-01-02T03:04:05Z">'
                "<w:r><w:t>tambahan</w:t></w:r></w:ins>"
                f"<w:del w:id='2' w:author='{REVIEWER}'><w:r><w:delText>hapus</w:delText></w:r>"
                "</w:del></w:p>"
                f'<w:sdt><w:sdtPr><w:dataBinding w:storeItemID="{{{BOUND_GUID}}}" '
                'w:xpath="/root/judul"/></w:sdtPr><w:sdtContent><w:p><w:r><w:t>Judul terikat'
                "</w:t></w:r></w:p></w:sdtContent></w:sdt></w:body></w:document>"
            ),
            "word/comments.xml": (
                f'<?xml version="1.0" encoding="UTF-8"?><w:comments {W}>'
                f'<w:comment w:id="0" w:author="{AUTHOR}" w:initials="SRW"><w:p><w:r>'
                f"<w:t>Tolong dicek, @{REVIEWER}</w:t></w:r></w:p></w:comment>"
                f'<w:comment w:id="1" w:author="{REVIEWER}" w:initials="JS"><w:p><w:r>'
                "<w:t>Sudah</w:t></w:r></w:p></w:comment></w:comments>"
            ),
            "word/_rels/comments.xml.rels": (
                f'<?xml version="1.0"?><Relationships {RELS}><Relationship Id="rId1" '
                'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                f'hyperlink" Target="mailto:{ACCOUNT}" TargetMode="External"/></Relationships>'
            ),
            "word/people.xml": (
                f'<?xml version="1.0"?><w15:people {W15}><w15:person w15:author="{AUTHOR}">'
                f'<w15:presenceInfo w15:providerId="AD" w15:userId="S::{ACCOUNT}::abc"/>'
                f'</w15:person><w15:person w15:author="{REVIEWER}"/></w15:people>'
            ),
            "word/settings.xml": f'<w:settings {W}><w:attachedTemplate r:id="rId1" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/>'
            "</w:settings>",
            "word/_rels/settings.xml.rels": (
                f'<?xml version="1.0"?><Relationships {RELS}><Relationship Id="rId1" '
                'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                'attachedTemplate" Target="file:///C:\\Users\\SitiRahmaWulandari\\Templat'
                '\\Surat.dotx" TargetMode="External"/></Relationships>'
            ),
            "customXml/item1.xml": sharepoint_item(AUTHOR),
            "customXml/itemProps1.xml": item_props(FREE_GUID),
            "customXml/item2.xml": (
                '<?xml version="1.0"?><root><judul>Judul terikat</judul></root>'
            ),
            "customXml/itemProps2.xml": item_props(BOUND_GUID),
            "docProps/core.xml": f"<cp:coreProperties><dc:creator>{AUTHOR}</dc:creator>"
            "</cp:coreProperties>",
        }
    )


def xlsx_with_reviewers() -> bytes:
    return build(
        {
            "[Content_Types].xml": types(XLSX_MAIN),
            "xl/workbook.xml": (
                '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/'
                'spreadsheetml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/'
                'markup-compatibility/2006" mc:Ignorable="x15ac">'
                f'<fileSharing userName="{AUTHOR}" readOnlyRecommended="1"/>'
                '<mc:AlternateContent><mc:Choice Requires="x15"><x15ac:absPath '
                'url="C:\\Users\\SitiRahmaWulandari\\Documents\\" xmlns:x15ac="http://schemas.'
                'microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent>'
                '<sheets><sheet name="Nilai" sheetId="1"/></sheets></workbook>'
            ),
            "xl/worksheets/sheet1.xml": "<worksheet><sheetData><row><c><v>42</v></c></row>"
            "</sheetData></worksheet>",
            "xl/comments1.xml": (
                '<?xml version="1.0"?><comments xmlns="http://schemas.openxmlformats.org/'
                f'spreadsheetml/2006/main"><authors><author>{AUTHOR}</author>'
                f'<author>{REVIEWER}</author></authors><commentList><comment ref="A1" '
                f'authorId="0"><text><r><t>{AUTHOR}:</t></r><r><t xml:space="preserve"> '
                "nilai salah</t></r></text></comment></commentList></comments>"
            ),
            "xl/persons/person.xml": (
                '<?xml version="1.0"?><personList xmlns="http://schemas.microsoft.com/office/'
                f'spreadsheetml/2018/threadedcomments"><person displayName="{AUTHOR}" '
                f'id="{{AAA}}" userId="{ACCOUNT}" providerId="AD"/></personList>'
            ),
            "xl/threadedComments/threadedComment1.xml": (
                '<?xml version="1.0"?><ThreadedComments xmlns="http://schemas.microsoft.com/'
                'office/spreadsheetml/2018/threadedcomments"><threadedComment ref="A1" '
                f'personId="{{AAA}}" id="{{BBB}}"><text>@{REVIEWER} tolong dicek</text>'
                "</threadedComment></ThreadedComments>"
            ),
            "xl/revisions/userNames.xml": (
                '<?xml version="1.0"?><users xmlns="http://schemas.openxmlformats.org/'
                f'spreadsheetml/2006/main" count="1"><userInfo guid="{{CCC}}" name="{AUTHOR}" '
                'id="1" dateTime="2026-01-01T00:00:00"/></users>'
            ),
        }
    )


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def assert_well_formed(parts: dict[str, bytes]) -> None:
    for name, data in parts.items():
        if name.endswith((".xml", ".rels")):
            ElementTree.fromstring(data)  # raises on broken XML


def test_a_docx_loses_the_names_of_its_commenters_and_reviewers_and_stays_readable():
    original = docx_with_reviewers()
    assert content.sniff(original) == content.DOCX

    cleaned = content.strip(original, content.DOCX)

    parts = parts_of(cleaned)
    assert set(parts) == set(parts_of(original))
    assert_well_formed(parts)
    everything = b"\n".join(parts.values())
    for identity in (AUTHOR, REVIEWER, ACCOUNT, "SitiRahmaWulandari", "SRW", "JS"):
        assert identity.encode() not in everything, identity
    document = parts["word/document.xml"].decode()
    # The text, the tracked changes and the bound content stay; only who made them goes.
    for kept in ("Isi laporan", "tambahan", "hapus", "Judul terikat"):
        assert kept in document
    assert 'w:author="Penulis 1"' in document and 'w:author="Penulis 2"' in document
    comments = parts["word/comments.xml"].decode()
    # The same person has the same pseudonym in the document, the comments and the people list.
    assert 'w:author="Penulis 1" w:initials="P1"' in comments
    assert 'w:author="Penulis 2" w:initials="P2"' in comments
    assert "Tolong dicek, @Penulis 2" in comments
    people = parts["word/people.xml"].decode()
    assert 'w15:author="Penulis 1"' in people and "presenceInfo" not in people
    assert 'Target="mailto:"' in parts["word/_rels/comments.xml.rels"].decode()
    assert 'Target="Surat.dotx"' in parts["word/_rels/settings.xml.rels"].decode()
    # SharePoint's properties name people: emptied; the item a content control shows stays.
    assert parts["customXml/item1.xml"].decode().endswith(f'<p:properties xmlns:p="{SHAREPOINT}"/>')
    assert b"<judul>Judul terikat</judul>" in parts["customXml/item2.xml"]
    assert parts["customXml/itemProps1.xml"] == parts_of(original)["customXml/itemProps1.xml"]


def test_an_xlsx_loses_its_persons_comment_authors_users_and_saved_folder():
    cleaned = content.strip(xlsx_with_reviewers(), content.XLSX)

    parts = parts_of(cleaned)
    assert_well_formed(parts)
    everything = b"\n".join(parts.values())
    for identity in (AUTHOR, REVIEWER, ACCOUNT, "SitiRahmaWulandari"):
        assert identity.encode() not in everything, identity
    workbook = parts["xl/workbook.xml"].decode()
    assert "absPath" not in workbook and "AlternateContent" not in workbook
    assert '<sheet name="Nilai" sheetId="1"/>' in workbook
    assert 'userName="Penulis 1"' in workbook
    comments = parts["xl/comments1.xml"].decode()
    assert "<author>Penulis 1</author><author>Penulis 2</author>" in comments
    assert "<t>Penulis 1:</t>" in comments and "nilai salah" in comments
    person = parts["xl/persons/person.xml"].decode()
    assert 'displayName="Penulis 1"' in person
    assert "userId" not in person and "providerId" not in person
    assert "@Penulis 2 tolong dicek" in parts["xl/threadedComments/threadedComment1.xml"].decode()
    assert 'name="Penulis 1"' in parts["xl/revisions/userNames.xml"].decode()
    assert parts["xl/worksheets/sheet1.xml"] == (
        b"<worksheet><sheetData><row><c><v>42</v></c></row></sheetData></worksheet>"
    )


def test_a_document_with_two_parts_of_the_same_name_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", types(DOCX_MAIN))
        archive.writestr("word/document.xml", "<w:document>a</w:document>")
        with pytest.warns(UserWarning):
            archive.writestr("word/document.xml", "<w:document>b</w:document>")

    with pytest.raises(Refused):
        content.strip(out.getvalue(), content.DOCX)
