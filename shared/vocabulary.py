"""Legal vocabularies that cross between teams: codes on the wire, Polish labels for people."""

from datetime import date

# Art. 7 u.p.s.: reasons for granting help, recorded at first contact.
REASONS_FOR_HELP: dict[str, str] = {
    "ubostwo": "ubóstwo",
    "sieroctwo": "sieroctwo",
    "bezdomnosc": "bezdomność",
    "bezrobocie": "bezrobocie",
    "niepelnosprawnosc": "niepełnosprawność",
    "dlugotrwala_lub_ciezka_choroba": "długotrwała lub ciężka choroba",
    "przemoc_w_rodzinie": "przemoc w rodzinie",
    "ochrona_ofiar_handlu_ludzmi": "potrzeba ochrony ofiar handlu ludźmi",
    "ochrona_macierzynstwa_lub_wielodzietnosci": "potrzeba ochrony macierzyństwa lub wielodzietności",
    "bezradnosc_opiekunczo_wychowawcza": (
        "bezradność w sprawach opiekuńczo-wychowawczych i prowadzenia gospodarstwa domowego"
    ),
    "trudnosci_w_integracji_cudzoziemcow": "trudności w integracji cudzoziemców",
    "trudnosci_po_opuszczeniu_zakladu_karnego": "trudności po opuszczeniu zakładu karnego",
    "alkoholizm_lub_narkomania": "alkoholizm lub narkomania",
    "zdarzenie_losowe_i_sytuacja_kryzysowa": "zdarzenie losowe i sytuacja kryzysowa",
    "kleska_zywiolowa_lub_ekologiczna": "klęska żywiołowa lub ekologiczna",
}

# Art. 36 u.p.s.: forms of help a person may ask for.
FORMS_OF_HELP: dict[str, str] = {
    "zasilek_staly": "zasiłek stały",
    "zasilek_okresowy": "zasiłek okresowy",
    "zasilek_celowy": "zasiłek celowy",
    "specjalny_zasilek_celowy": "specjalny zasiłek celowy",
    "zasilek_na_ekonomiczne_usamodzielnienie": "zasiłek lub pożyczka na ekonomiczne usamodzielnienie",
    "pomoc_na_usamodzielnienie_i_nauke": "pomoc na usamodzielnienie i kontynuowanie nauki",
    "praca_socjalna": "praca socjalna",
    "bilet_kredytowany": "bilet kredytowany",
    "skladki_zdrowotne_i_spoleczne": "składki zdrowotne i społeczne",
    "pomoc_rzeczowa": "pomoc rzeczowa",
    "sprawienie_pogrzebu": "sprawienie pogrzebu",
    "poradnictwo_specjalistyczne": "poradnictwo specjalistyczne",
    "interwencja_kryzysowa": "interwencja kryzysowa",
    "schronienie": "schronienie",
    "posilek": "posiłek",
    "niezbedne_ubranie": "niezbędne ubranie",
    "uslugi_opiekuncze": "usługi opiekuńcze",
    "specjalistyczne_uslugi_opiekuncze": "specjalistyczne usługi opiekuńcze",
    "mieszkanie_chronione": "mieszkanie chronione (do 31.10.2023)",
    "mieszkanie_treningowe": "mieszkanie treningowe",
    "mieszkanie_wspomagane": "mieszkanie wspomagane",
    "pobyt_w_dps": "pobyt w domu pomocy społecznej",
}

# Forms of help the statute created or abolished on a date: (first day, last day), None = open.
# Art. 53 u.p.s. as amended by the Act of 28.07.2023 (Dz.U. 2023 poz. 1693): from 2023-11-01 the
# mieszkanie chronione is replaced by the mieszkanie treningowe and the mieszkanie wspomagane
# (art. 36 pkt 2 lit. n and q); decisions dated before keep the old form. Sources: gazetaprawna.pl
# and poradnikpracownika.pl on the amendment, the amending act's text (inforlex.pl, in force 2023-11-01).
FORMS_OF_HELP_IN_FORCE: dict[str, tuple[date | None, date | None]] = {
    "mieszkanie_chronione": (None, date(2023, 10, 31)),
    "mieszkanie_treningowe": (date(2023, 11, 1), None),
    "mieszkanie_wspomagane": (date(2023, 11, 1), None),
}


def form_in_force(code: str, on: date) -> bool:
    """Whether the law knows the form of help on the day (every form not listed above: always)."""
    first, last = FORMS_OF_HELP_IN_FORCE.get(code, (None, None))
    return (first is None or first <= on) and (last is None or on <= last)

# Teams that receive routed cases. Which of them a centre has is configuration
# (art. 110a sets no number): see each service's `TEAMS` setting.
ROUTING_TEAMS: tuple[str, ...] = ("casework", "decisions", "care")

# Services a social worker may ask the care team for (usługi, art. 50-51a u.p.s.; asystent rodziny).
CARE_SERVICE_KINDS: dict[str, str] = {
    "uslugi_opiekuncze": "usługi opiekuńcze",
    "specjalistyczne_uslugi_opiekuncze": "specjalistyczne usługi opiekuńcze",
    "specjalistyczne_uslugi_opiekuncze_zaburzenia_psychiczne":
        "specjalistyczne usługi opiekuńcze dla osób z zaburzeniami psychicznymi",
    "asystent_rodziny": "asystent rodziny",
    "dps": "skierowanie do domu pomocy społecznej",
}
