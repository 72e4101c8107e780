"""Indonesian text to index terms: the one analyser both the index and the queries use.

Plain Python, no database. A text becomes a list of terms by:
 1. lower-casing and folding accents (café -> cafe), so the terms are plain ASCII;
 2. joining what people split (7.500.000 -> 7500000, "A 2.05" -> a205) so numbers and room codes
    read the same however they were typed;
 3. cutting into words of letters and digits (a reduplicated word such as buku-buku stays one);
 4. rewriting the chat spellings customers use (gak -> tidak, dibenerin -> perbaiki);
 5. dropping stop words, before and after stemming;
 6. stemming with Sastrawi (perbaikan, diperbaiki, memperbaiki -> baik).

Because every term is computed here and stored as plain ASCII, matching in the database is plain
equality or a range on a b-tree index: the same answer on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

# Longest term kept; longer "words" are pasted links or noise.
MAX_TERM = 40

# Roots in Sastrawi's dictionary that steal common words of this domain: "kerusakan" would stem
# to "rusa" (deer) instead of "rusak". Dropping the rare root lets the stemmer find the right one.
MISLEADING_ROOTS = frozenset({"rusa"})

# Chat spellings, abbreviations and a few Banjar words, rewritten to the standard word before
# stemming, so "AC gak nyala" and "AC tidak menyala" meet.
SPELLINGS = {
    "gak": "tidak",
    "ga": "tidak",
    "gk": "tidak",
    "nggak": "tidak",
    "ngga": "tidak",
    "enggak": "tidak",
    "tdk": "tidak",
    "kada": "tidak",
    "sdh": "sudah",
    "udah": "sudah",
    "udh": "sudah",
    "dah": "sudah",
    "blm": "belum",
    "yg": "yang",
    "dgn": "dengan",
    "dg": "dengan",
    "utk": "untuk",
    "krn": "karena",
    "karna": "karena",
    "tp": "tapi",
    "tpi": "tapi",
    "jg": "juga",
    "aja": "saja",
    "sm": "sama",
    "lg": "lagi",
    "dlm": "dalam",
    "bgt": "sangat",
    "banget": "sangat",
    "banar": "sangat",
    "kpn": "kapan",
    "gmn": "bagaimana",
    "gimana": "bagaimana",
    "knp": "kenapa",
    "mhs": "mahasiswa",
    "maba": "mahasiswa",
    "dosbing": "bimbing",
    "lt": "lantai",
    "gd": "gedung",
    "gdg": "gedung",
    "benerin": "perbaiki",
    "dibenerin": "perbaiki",
    "dibetulin": "perbaiki",
    "betulin": "perbaiki",
    "nyala": "menyala",
    "ulun": "saya",
    "handak": "ingin",
    "pengen": "ingin",
    "pingin": "ingin",
    "wi-fi": "wifi",
    "e-mail": "email",
}

# Sastrawi's stop words, plus forms of address, greetings and courtesy that every letter carries
# and that say nothing about its subject, plus the English filler of mixed messages.
_STOP_WORDS_TEXT = """
    yang untuk pada ke para namun menurut antara dia dua ia seperti jika sehingga kembali dan
    tidak ini karena kepada oleh saat harus sementara setelah belum kami sekitar bagi serta di dari
    telah sebagai masih hal ketika adalah itu dalam bisa bahwa atau hanya kita dengan akan juga ada
    mereka sudah saya terhadap secara agar lain anda begitu mengapa kenapa yaitu yakni daripada
    itulah lagi maka tentang demi dimana kemana pula sambil sebelum sesudah supaya guna kah pun
    sampai sedangkan selagi tetapi apakah kecuali sebab selain seolah seraya seterusnya tanpa agak
    boleh dapat dsb dst dll dahulu dulunya anu demikian tapi ingin nggak mari nanti melainkan oh ok
    seharusnya sebetulnya setiap setidaknya sesuatu pasti saja toh ya walau tolong tentu amat
    apalagi bagaimanapun
    aku kamu gue gw sy kalian beliau nya
    bapak ibu pak bu kak kakak min admin mas mbak saudara saudari
    mohon terima kasih makasih thanks thank hormat permisi assalamualaikum waalaikumsalam wr wb
    salam selamat halo hai hi
    apa siapa kapan bagaimana berapa mana sangat sekali banyak sama
    the a an of to is are and or in on for it this that be with at by i you we my our
    just really honestly literally please
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DIGIT_GROUPS = re.compile(r"(?<=\d)[.,](?=\d)")
_ROOM_CODE = re.compile(r"\b([a-z]) (?=\d)")
_TWICE = re.compile(r"^([a-z]+)2$")  # chat reduplication: dosen2 = dosen-dosen


@lru_cache(maxsize=1)
def _stemmer():
    """Sastrawi's stemmer over its dictionary less the misleading roots; built once per process
    because reading the 30,000-word dictionary is slow."""
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    class SetDictionary(ArrayDictionary):
        # Sastrawi keeps its dictionary in a list and looks words up by scanning it; a stem
        # makes dozens of lookups, so a set makes indexing some hundred times faster.
        def __init__(self, words):
            self.words = frozenset(words)

    words = [w for w in StemmerFactory().get_words() if w and w not in MISLEADING_ROOTS]
    return Stemmer(SetDictionary(words))


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The stem of one lower-case word ("" for a stop word)."""
    word = SPELLINGS.get(word, word)
    twice = _TWICE.match(word)
    if twice:
        word = twice.group(1)
    if word in STOP_WORDS:
        return ""
    if word.isdigit() or any(c.isdigit() for c in word):
        result = word  # numbers and codes are not Indonesian words
    else:
        result = _stemmer().stem_word(word)
    result = result.replace("-", "")  # buku-buku -> buku; an unresolved pair keeps both halves
    if result in STOP_WORDS:
        return ""
    return result[:MAX_TERM]


def fold(text: str) -> str:
    """Lower case, accents folded, digit groups and room codes joined (steps 1-2)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = _DIGIT_GROUPS.sub("", text)
    return _ROOM_CODE.sub(r"\1", text)


def words(text: str) -> list[str]:
    """The lower-case words of a text, as typed (steps 1-3)."""
    return _WORD.findall(fold(text or ""))


def terms(text: str) -> list[str]:
    """The index terms of a text, in order, repeats kept (steps 1-6)."""
    result = []
    for word in words(text):
        term = stem(word)
        if len(term) >= 2 or term.isdigit():
            result.append(term)
    return result


def term_counts(text: str) -> Counter[str]:
    return Counter(terms(text))


# Prefixes of Indonesian derivation, longest first, with the letter a nasal prefix replaced
# (menulis = men + tulis, memukul = mem + pukul, mengirim = meng + kirim, menyapu = meny + sapu).
_DERIVATION_PREFIXES = (
    ("memper", ""),
    ("diper", ""),
    ("meng", ""),
    ("meng", "k"),
    ("peng", ""),
    ("peng", "k"),
    ("meny", "s"),
    ("peny", "s"),
    ("mem", ""),
    ("mem", "p"),
    ("pem", ""),
    ("pem", "p"),
    ("men", ""),
    ("men", "t"),
    ("pen", ""),
    ("pen", "t"),
    ("ber", ""),
    ("ter", ""),
    ("per", ""),
    ("di", ""),
    ("ke", ""),
    ("se", ""),
    ("me", ""),
    ("pe", ""),
)


def fragment_roots(fragment: str) -> list[str]:
    """Possible beginnings of the root of a word still being typed ("pembimbi" -> "bimbi", so
    it reaches "bimbing"); the stemmer cannot help, as a fragment is no word yet."""
    if not fragment.isalpha():
        return []
    roots = []
    for prefix, replaced in _DERIVATION_PREFIXES:
        if fragment.startswith(prefix):
            rest = fragment[len(prefix) :]
            if replaced and rest[:1] not in "aeiou":
                continue  # the nasal replaces a letter only before a vowel
            roots.append(replaced + rest)
    return roots
