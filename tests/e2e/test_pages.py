"""Every page opens for its roles without a browser error; each leaves a screenshot in
``tests/e2e/screenshots/``. Login, logout, session expiry, planner and admin forms."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from tests.e2e.conftest import OpenPage, log_in


def test_landing_login_logout_and_expired_session(open_page: OpenPage, server: str) -> None:
    tab = open_page("login")
    page = tab.page
    page.goto("/")
    expect(page.get_by_role("link", name="Poser une question")).to_be_visible()
    tab.shot("landing")
    page.get_by_role("link", name="Espace des équipes").click()
    page.get_by_label("Identifiant").fill("admin")
    page.get_by_label("Mot de passe").fill("wrong-password")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("#login-error")).to_contain_text("incorrect")
    tab.shot("login")

    # A page behind the login sends to /login and back after it.
    page.goto("/planner")
    expect(page.get_by_text("Connectez-vous pour accéder à cette page.")).to_be_visible()
    page.get_by_label("Identifiant").fill("sup-nordcom")
    page.get_by_label("Mot de passe").fill("sup-nordcom-demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/planner")
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link")).to_have_text(["Supervision", "Rapports", "Planification",
                                                  "Sites et télétravail"])
    # A page of another role says so.
    page.goto("/admin")
    expect(page.get_by_role("heading", name="Page non accessible")).to_be_visible()

    # The session ends on the server (expiry, logout elsewhere): back to /login, with why.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "renfort_session")
    httpx.delete(f"{server}/api/v1/auth/session", cookies={"renfort_session": token})
    page.goto("/supervisor")
    expect(page.get_by_text("Votre session a expiré")).to_be_visible()
    page.get_by_label("Identifiant").fill("sup-nordcom")
    page.get_by_label("Mot de passe").fill("sup-nordcom-demo")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/supervisor")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()


def test_planner_staffing_then_simulation(open_page: OpenPage) -> None:
    tab = open_page("planner")
    page = log_in(tab, "manager-atlantique", "/planner")
    sample = page.request.get("/planner/sample.csv")
    assert sample.ok
    page.get_by_label("Fichier de prévision (CSV)").set_input_files(
        files=[{"name": "prevision.csv", "mimeType": "text/csv", "buffer": sample.body()}])
    page.get_by_role("button", name="Calculer les effectifs").click()
    expect(page.get_by_role("heading", name="2. Agents nécessaires")).to_be_visible()
    expect(page.get_by_text("Abandons plafonnés à 5 %")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    page.get_by_label("Journées simulées").fill("2")
    page.get_by_role("button", name="Lancer la simulation").click()
    expect(page.locator("#simulation-table tbody tr")).to_have_count(3)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger la simulation (CSV)").click()
    assert download.value.suggested_filename == "simulation.csv"
    tab.shot("planner")


def test_planner_chains_forecast_staffing_shifts_and_replay(open_page: OpenPage) -> None:
    tab = open_page("planner-chain")
    page = log_in(tab, "sup-nordcom", "/planner")
    history = page.request.get("/planner/history-sample.csv")
    assert history.ok
    page.get_by_label("Historique des appels (CSV)").set_input_files(
        files=[{"name": "historique.csv", "mimeType": "text/csv", "buffer": history.body()}])
    page.get_by_role("button", name="Prévoir le trafic").click()
    expect(page.locator("#forecast-result")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger la prévision (CSV)").click()
    assert download.value.suggested_filename == "prevision.csv"
    page.locator("#plan-form").get_by_role("button", name="Calculer les effectifs").click()
    expect(page.locator("#staffing-title")).to_be_visible()
    page.get_by_label("Temps de calcul maximal (s)").fill("3")
    # hold the first submission in the page to see the form say it is at work
    page.evaluate("window.addEventListener('submit', e => e.preventDefault(), {once: true})")
    page.get_by_role("button", name="Établir les horaires").click()
    expect(page.locator("#schedule-form")).to_have_attribute("aria-busy", "true")
    expect(page.locator("#schedule-form .busy-note")).to_be_visible()
    expect(page.get_by_role("button", name="Établir les horaires")).to_be_disabled()
    page.evaluate("document.getElementById('schedule-form').submit()")
    expect(page.locator("#schedule-result")).to_be_visible(timeout=30_000)
    with page.expect_download() as download:
        page.get_by_role("button", name="Télécharger les horaires (CSV)").click()
    assert download.value.suggested_filename == "horaires.csv"
    page.locator("#replay-replications").fill("2")
    page.get_by_role("button", name="Rejouer sur la fédération").click()
    expect(page.locator("#replay-table tbody tr")).to_have_count(3, timeout=30_000)
    expect(page.locator("#replay-staffed")).to_contain_text("conseillers réels")
    tab.shot("planner-replay")
    page.get_by_label("Nom du plan").fill("Lendemain d'allocution")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator("#saved-table")).to_contain_text("Lendemain d'allocution")
    tab.shot("planner-chain")


def test_admin_creates_and_edits(open_page: OpenPage) -> None:
    tab = open_page("admin")
    page = log_in(tab, "admin", "/admin/outsourcers")
    page.get_by_label("Code").fill("solidaire")
    page.get_by_label("Nom").fill("Solidaire Contact")
    page.get_by_role("button", name="Créer").click()
    expect(page.get_by_text("Enregistré.")).to_be_visible()
    row = page.locator("#admin-table tr", has_text="solidaire")
    row.get_by_role("link", name="Modifier").click()
    page.get_by_label("Nom").fill("Solidaire Contact Centre")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("#admin-table")).to_contain_text("Solidaire Contact Centre")
    page.goto("/admin/queues")
    page.get_by_label("Code").fill("Pas un code")
    page.get_by_label("Nom").fill("File test")
    page.get_by_label("Compétence requise").fill("covid-info")
    page.get_by_role("button", name="Créer").click()
    expect(page.locator("#form-error")).to_be_visible()
    tab.shot("admin")
    page.get_by_role("link", name="Données personnelles").click()
    expect(page.locator("#retention-table")).to_contain_text("180")
    page.get_by_role("button", name="Compter ce qui serait effacé").click()
    expect(page.locator("#purge-result")).to_contain_text("Une purge effacerait")
    tab.shot("admin-privacy")

    manager = open_page("admin-manager")
    page = log_in(manager, "manager-azur", "/admin/agents")
    expect(page.get_by_role("link", name="Conseillers")).to_have_attribute(
        "aria-current", "page")
    expect(page.get_by_role("link", name="Prestataires")).to_have_count(0)
    manager.shot("admin-manager")


def test_citizen_self_service_answer_and_medical_redirect(open_page: OpenPage) -> None:
    tab = open_page("citizen-answers")
    page = tab.page
    page.goto("/chat")
    page.get_by_label("Votre message").fill("Peut-on rendre visite à un proche en EHPAD ?")
    page.get_by_role("button", name="Envoyer").click()
    answer = page.locator("#chat-log .from-assistant").last
    expect(answer.locator(".source-line")).to_contain_text("Source :")
    page.get_by_label("Votre message").fill("J'ai de la fièvre et du mal à respirer")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".urgent-box")).to_contain_text("15")
    expect(page.locator(".urgent-box a[href=\"tel:15\"]")).to_be_visible()
    tab.shot("citizen-answers")


def test_knowledge_editor_edits_compares_and_publishes(open_page: OpenPage) -> None:
    tab = open_page("knowledge")
    page = log_in(tab, "editor", "/knowledge")
    page.get_by_label("Filtrer").fill("ehpad")
    page.get_by_role("button", name="Chercher").click()
    page.locator("#articles a").first.click()
    answer = page.get_by_label("Réponse")
    answer.fill(answer.input_value() + " Les visites se font sur rendez-vous.")
    expect(page.locator("#preview")).to_contain_text("sur rendez-vous")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    page.get_by_role("button", name="Comparer").click()
    expect(page.locator("#diff-result .add")).to_contain_text("sur rendez-vous")
    tab.shot("knowledge-article")
    page.get_by_role("button", name="Publier cette version").click()
    expect(page.get_by_text("Version publiée.")).to_be_visible()
    expect(page.locator("#versions tr").nth(1)).to_contain_text("en vigueur")
    page.get_by_role("link", name="Tous les articles").click()
    tab.shot("knowledge")


def test_knowledge_editor_publishes_a_redirect_directory_version(open_page: OpenPage) -> None:
    tab = open_page("redirects")
    page = log_in(tab, "editor", "/knowledge")
    page.get_by_role("link", name="Annuaire d'orientation").click()
    expect(page.locator("#entry-medical_urgent a[href=\"tel:15\"]")).to_be_visible()
    tab.shot("redirects")
    page.get_by_role("link", name="Publier une nouvelle version — Détresse psychologique").click()
    expect(page.locator("#redirect-preview a[href=\"tel:0800858858\"]")).to_be_visible()
    page.get_by_label("Numéro 1", exact=True).fill("0 800 abc")
    expect(page.locator("#redirect-preview")).to_contain_text("chiffres et espaces seulement")
    page.get_by_role("button", name="Publier cette version").click()
    expect(page.locator("#form-problems")).to_contain_text("rien n'a été enregistré")
    page.get_by_label("Numéro 1", exact=True).fill("0 800 000 555")
    page.get_by_label("Horaires").fill("tous les jours, de 9 h à 21 h")
    expect(page.locator("#redirect-preview a[href=\"tel:0800000555\"]")).to_be_visible()
    page.get_by_role("button", name="Publier cette version").click()
    expect(page.get_by_text("Nouvelle version publiée.")).to_be_visible()
    expect(page.locator("tr[data-version=\"1\"][data-status=in_force]").first).to_be_visible()
    tab.shot("redirect-entry")


def test_sites_plan_register_and_waivers(open_page: OpenPage) -> None:
    tab = open_page("sites")
    page = log_in(tab, "manager-atlantique", "/sites")
    page.get_by_role("link", name="Nantes – Île de Nantes").click()
    expect(page.locator("svg.seatplan circle.seat-usable").first).to_be_visible()
    expect(page.locator("svg.seatplan circle.seat-blocked").first).to_be_attached()
    page.get_by_label("Mesure", exact=True).select_option("masques")
    page.get_by_label("État").select_option("adapted")
    page.get_by_label("Constat").fill("Note de service du jour, affichée en salle.")
    page.get_by_label("Participants").fill("Direction du site, Élue CSE")
    page.get_by_label("Avis des représentants du personnel").fill("Favorable.")
    page.get_by_label("Décision").fill("Masques changés toutes les 4 heures.")
    page.get_by_role("button", name="Enregistrer au registre").click()
    expect(page.get_by_text("Modification enregistrée au registre.")).to_be_visible()
    latest = page.locator("#measures-history li").first
    expect(latest).to_contain_text("Masques : en place → adaptée")
    tab.shot("sites")

    # Seat two agents side by side, free one seat, then trace the other's close contacts.
    seated = []
    for _ in range(2):
        seated.append(page.get_by_label("Conseiller", exact=True).locator(
            "option").first.inner_text())
        page.get_by_role("button", name="Installer").click()
        expect(page.get_by_text("Conseiller installé.")).to_be_visible()
    stays = page.locator("#stays-table tbody tr")
    expect(stays).to_have_count(2)
    stays.filter(has_text=seated[0]).get_by_role("button", name="Libérer le poste").click()
    expect(page.get_by_text("Poste libéré")).to_be_visible()
    expect(stays).to_have_count(1)
    page.get_by_label("Conseiller ayant signalé un test positif").select_option(label=seated[1])
    page.get_by_label("Distance (m)").fill("10")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#exposure-table tbody tr")).to_have_count(1)
    expect(page.locator("#exposure-table")).to_contain_text(seated[0])
    expect(page.locator("#trace-log li").first).to_contain_text("manager-atlantique pour")
    tab.shot("sites-tracing")
    # A check-in made elsewhere (here through the API) shows on the page without a reload.
    occupied = page.locator("#site-occupied")
    before = int(occupied.inner_text())
    newcomer = page.locator("#c-agent option").first.get_attribute("value")
    seat = page.locator("#c-seat option").first.inner_text()
    made = page.request.post("/api/v1/sites/atlantique-nantes/checkins",
                             data={"agent": newcomer, "seat": seat})
    assert made.status == 201, made.text()
    expect(occupied).to_have_text(str(before + 1))

    client = open_page("sites-client")
    page = log_in(client, "client-banque-hermine", "/sites")
    page.get_by_label("Cartes : opposition et plafonds").check()
    page.get_by_label("Conditions acceptées").fill("Essai 2030 : VPN, pas d'impression.")
    page.get_by_label("Du (heure de Paris)").fill("2030-01-01T08:00")
    page.get_by_label("Au (heure de Paris)").fill("2030-01-31T20:00")
    page.get_by_role("button", name="Accepter la dérogation").click()
    expect(page.get_by_text("Dérogation acceptée.")).to_be_visible()
    row = page.locator("#waivers-table tbody tr", has_text="Essai 2030")
    expect(row).to_contain_text("à venir")
    page.on("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Révoquer").click()
    expect(page.get_by_text("Dérogation révoquée.")).to_be_visible()
    expect(row).to_contain_text("révoquée")
    client.shot("sites-waivers")


def test_reports_page_charts_and_spreadsheet_export(open_page: OpenPage) -> None:
    tab = open_page("reports")
    page = log_in(tab, "client-numero-vert", "/reports")
    expect(page.get_by_role("heading", name="Rapports de niveau de service")).to_be_visible()
    page.get_by_label("Regroupement").select_option("day")
    page.get_by_role("button", name="Afficher").click()
    expect(page.locator("svg.chart").first).to_be_visible()
    expect(page.get_by_role("heading", name="Vos files : historique et télétravail")
           ).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter en XLSX (tableur)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    tab.shot("reports")
