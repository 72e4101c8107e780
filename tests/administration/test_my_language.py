"""Every official chooses the language of their own e-mails; nobody else's."""

from django.urls import reverse

from aspirasi.officials.models import LanguagePreference


def test_an_official_chooses_english_for_their_emails(client, officials):
    client.force_login(officials["wd1"])
    page = client.get(reverse("administration:my_language"))
    assert page.status_code == 200
    assert reverse("administration:my_language") in page.content.decode()  # in the menu too

    response = client.post(reverse("administration:my_language"), {"language": "en"})

    assert response.status_code == 302
    assert LanguagePreference.objects.get(user=officials["wd1"]).language == "en"
    assert not LanguagePreference.objects.exclude(user=officials["wd1"]).exists()


def test_a_language_not_offered_is_refused_beside_the_field(client, officials):
    client.force_login(officials["clerk"])
    response = client.post(reverse("administration:my_language"), {"language": "fr"})
    assert response.status_code == 400
    assert "language" in response.context["form"].errors
    assert not LanguagePreference.objects.exists()


def test_someone_who_holds_no_desk_is_refused(client, officials):
    client.force_login(officials["outsider"])
    assert client.get(reverse("administration:my_language")).status_code == 403
    client.logout()
    response = client.get(reverse("administration:my_language"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("desk:login"))
