"""Syria's 14 governorates and notable towns, under the spellings reporters use.

A figure for Khan Sheikhoun and one for Idlib province may count the same dead,
so a town must be known to lie inside its governorate; and "Deraa" and
"Daraa" must be one place. Spellings are folded by `fold` before lookup, so
small transliteration differences (ou/u, doubled letters, q/k, articles)
need no entry of their own.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

# governorate key -> (display name, spellings of the governorate itself)
GOVERNORATES: Final[dict[str, tuple[str, tuple[str, ...]]]] = {
    "damascus": ("Damascus", ("damascus", "dimashq", "damascus city")),
    "rif-dimashq": (
        "Rif Dimashq",
        (
            "rif dimashq",
            "rif damascus",
            "reef damascus",
            "rural damascus",
            "damascus countryside",
            "damascus suburbs",
            "damascus province",
            "damascus governorate",
            "countryside of damascus",
            "suburbs of damascus",
            "province of damascus",
        ),
    ),
    "aleppo": ("Aleppo", ("aleppo", "halab", "haleb")),
    "homs": ("Homs", ("homs", "hims")),
    "hama": ("Hama", ("hama", "hamah", "hamat")),
    "latakia": ("Latakia", ("latakia", "lattakia", "ladhiqiyah", "lathqiyah", "latakiya")),
    "tartus": ("Tartus", ("tartus", "tartous", "tartousse")),
    "idlib": ("Idlib", ("idlib", "idleb", "edlib")),
    "deir-ez-zor": (
        "Deir ez-Zor",
        (
            "deir ez zor",
            "deir al zour",
            "deir ezzor",
            "deir el zour",
            "deir zor",
            "deir ezzour",
            "deirezzor",
            "dayr az zawr",
            "deir al zor",
            "deir el zor",
            "der zor",
        ),
    ),
    "raqqa": ("Raqqa", ("raqqa", "rakka", "raqqah", "ar raqqa")),
    "hasakah": ("Hasakah", ("hasakah", "hasakeh", "hasaka", "hassakeh", "hasake", "hassake")),
    "daraa": ("Daraa", ("daraa", "deraa", "dera a", "dar a")),
    "quneitra": ("Quneitra", ("quneitra", "qunaytirah", "kuneitra", "qunaitra")),
    "suwayda": ("Suwayda", ("suwayda", "sweida", "suwaida", "sweyda", "swaida", "soueida")),
}

# governorate key -> towns, districts and neighbourhoods inside it; "a|b" spells one town two ways
TOWNS: Final[dict[str, tuple[str, ...]]] = {
    "rif-dimashq": (
        "douma",
        "ghouta",
        "eastern ghouta",
        "western ghouta",
        "harasta",
        "zamalka",
        "arbin|irbin",
        "saqba",
        "kafr batna",
        "ain tarma|ein tarma",
        "hamouria",
        "zabadani",
        "madaya",
        "daraya|darayya",
        "moadamiyeh|muadamiya",
        "yabroud",
        "qalamoun",
        "jayrud",
        "otaiba",
        "dumayr|dumair",
        "qudsaya",
        "wadi barada",
        "babbila",
        "yalda",
        "beit sahem",
        "sayyida zeinab",
        "nashabiyeh",
        "misraba",
        "mesraba",
        "jisreen",
        "ain al fijeh",
        "beit jinn",
        "kisweh",
        "jdaidet artouz",
        "qatana",
        "nabek",
        "rankous",
        "zamalka",
        "hazzeh",
        "marj",
        "deir al asafir",
        "bloudan",
    ),
    "damascus": (
        "jobar",
        "barzeh",
        "qaboun",
        "mezzeh|mazzeh",
        "yarmouk",
        "midan",
        "tadamon",
        "qadam",
        "kafr sousa",
        "abu rummaneh",
        "bab touma",
        "old damascus",
        "souq al hamadiyeh",
        "masaken barzeh",
        "rukn al din",
        "tishreen",
        "assali",
        "bab sharqi",
        "marjeh",
        "baramkeh",
    ),
    "idlib": (
        "khan sheikhoun|khan shaykhun|khan sheikhun",
        "jisr al shughour|jisr al shughur|jisr ash shughur",
        "maarat al numan|maarat al nouman|maarat al numaan|maaret al numan|maarat numan",
        "saraqeb",
        "ariha",
        "binnish",
        "taftanaz",
        "sarmin|sermin",
        "kafr nabl|kafranbel",
        "atmeh",
        "dana",
        "harem",
        "salqin",
        "abu al duhur",
        "abu duhur",
        "foua|fuaa",
        "kefraya|kafraya",
        "sarmada",
        "kafr takharim",
        "habeet",
        "heish",
        "khan assubul",
        "jarjanaz",
        "tamanaa",
        "maaret misrin",
        "kafr jales",
        "hamediyeh|hamadiyeh",
        "jabal al zawiya",
        "bab al hawa",
        "qah",
        "darkush",
        "armanaz",
        "kafr rumma",
    ),
    "aleppo": (
        "kobane|kobani|ain al arab",
        "manbij",
        "azaz",
        "al bab",
        "jarablus|jerablus",
        "afrin",
        "atareb|atarib",
        "deir hafer",
        "safira",
        "tal rifaat",
        "marea",
        "anadan",
        "hreitan|haritan",
        "khan touman",
        "sheikh maqsoud",
        "handarat",
        "ramouseh",
        "bustan al qasr",
        "sakhour",
        "salaheddine",
        "salah al din",
        "masaken hanano",
        "nubl",
        "zahraa",
        "tal alam",
        "dabiq",
        "bab al nairab",
        "hanano",
        "kilis border",
        "east aleppo",
        "eastern aleppo",
        "west aleppo",
        "western aleppo",
        "old aleppo",
        "karm al jabal",
        "sukkari",
        "ansari",
        "bab al nasr",
        "zarbah",
        "mayer",
        "tal tawil",
        "hardatnin",
        "ratyan|rityan",
        "bayanoun",
        "sheikh najjar",
        "al sfira",
        "qabasin",
        "khanasser",
        "hayyan",
        "kafr hamra",
        "orum al kubra|urum al kubra",
        "kafr naha",
        "dahiyat al assad",
        "hamdaniyeh",
        "jamiliyeh|jamilia",
        "midan aleppo",
        "furqan",
        "mogambo",
        "sabil",
        "zebdiyeh",
        "fardous",
    ),
    "homs": (
        "hula",
        "houla",
        "palmyra|tadmur|tadmor",
        "rastan",
        "talbiseh|talbisseh",
        "qusayr|qusair",
        "baba amr|bab amr",
        "khalidiya",
        "waer",
        "taldou",
        "qaryatain|qaryatayn",
        "tal kalakh",
        "mukharram",
        "shayrat|shairat",
        "tiyas",
        "t4",
        "mahin",
        "sadad",
        "ghanto",
        "teir maalla",
        "zaafarana",
        "karm al zeitoun",
        "inshaat",
        "ikrima|akrama",
        "shaer|shaer gas field|shaar oilfield",
        "furqlus",
        "houla",
    ),
    "hama": (
        "kafr zita|kafr zeita",
        "latamneh|lataminah",
        "morek",
        "suran|souran",
        "halfaya",
        "mahardeh|mhardeh",
        "taybat al imam|tibet al imam",
        "qalaat al madiq",
        "salamiyah|salamieh",
        "tremseh",
        "qubeir",
        "aqrab",
        "kafr nabouda|kefr nabbouda",
        "karnaz",
        "masyaf",
        "khattab",
        "hirbanfsah|harbanifse",
        "jeb al rayan",
    ),
    "latakia": (
        "jableh",
        "jableh city",
        "qardaha",
        "kassab|kessab",
        "salma",
        "mukhtariya",
        "haffa",
        "rabia",
        "jabal al akrad",
        "jabal al turkman",
        "bayt yashout",
    ),
    "tartus": ("baniyas|banias", "safita", "bayda", "qadmus", "dreikish"),
    "deir-ez-zor": (
        "mayadin|mayadeen",
        "albu kamal|abu kamal|bukamal|boukamal",
        "muhasan",
        "hajin",
        "tabni",
        "sheheil",
        "ashara",
        "khasham",
        "deir ezzor air base|deir ez zor air base",
        "omar oilfield",
        "jafra",
        "baghuz",
        "sousa",
        "hawija",
    ),
    "raqqa": ("tabqa", "tal abyad|tell abyad", "ain issa", "maadan", "karama", "suluk"),
    "hasakah": (
        "qamishli|qamishly|kamishli",
        "ras al ain|ras al ayn",
        "shaddadi",
        "tel tamer|tal tamr",
        "malikiyah",
        "hol",
        "amuda",
        "tell hamis",
        "tel hormizd|tal hormuz",
        "hassadjek",
        "khabur",
    ),
    "daraa": (
        "bosra|busra|busra al sham",
        "nawa",
        "inkhil",
        "jasim|jassem",
        "izraa",
        "sanamayn",
        "tafas",
        "hirak",
        "kherbet ghazale|khirbet ghazaleh",
        "dael",
        "nasib",
        "muzayrib",
        "sheikh maskin",
        "tal shihab",
        "saida daraa",
        "dael",
    ),
    "quneitra": ("khan arnabeh", "jubata al khashab", "baath city", "madinat al baath"),
    "suwayda": ("shahba", "salkhad", "qrayya", "shahbaa"),
}

ARTICLES: Final = frozenset(
    {"al", "el", "ez", "az", "as", "ad", "ar", "an", "ash", "at", "the", "de", "ed", "es"}
)
_FOLDS: Final = (("ou", "u"), ("oo", "u"), ("ee", "i"), ("q", "k"), ("ph", "f"), ("y", "i"))
_DOUBLE = re.compile(r"(\w)\1+")


def fold(name: str) -> str:
    """A spelling-insensitive key: lower case, no accents or articles, ou->u, no double letters."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z0-9]+", plain) if w and w not in ARTICLES]
    text = " ".join(words)
    for old, new in _FOLDS:
        text = text.replace(old, new)
    return _DOUBLE.sub(r"\1", text)


def _index() -> dict[str, tuple[str, str | None]]:
    """folded spelling -> (governorate key, town display name or None for the governorate)."""
    index: dict[str, tuple[str, str | None]] = {}
    for gov, towns in TOWNS.items():
        for entry in towns:
            names = entry.split("|")  # "palmyra|tadmur": one town, the first name shown
            for name in names:
                index.setdefault(fold(name), (gov, names[0].title()))
    for gov, (_, spellings) in GOVERNORATES.items():
        for spelling in spellings:
            index[fold(spelling)] = (gov, None)  # a governorate's own name wins over a town
    return index


INDEX: Final = _index()
# longest spelling first, so "eastern ghouta" is found before "ghouta" and
# "damascus countryside" before "damascus"
_PATTERN: Final = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(INDEX, key=len, reverse=True)) + r")\b"
)


def lookup(name: str) -> list[tuple[str, str | None]]:
    """Every (governorate, town or None) the gazetteer finds in a place name, in order."""
    return [INDEX[m.group(1)] for m in _PATTERN.finditer(fold(name))]


def governorate_name(key: str) -> str:
    """The display name of a governorate key ("deir-ez-zor" -> "Deir ez-Zor")."""
    return GOVERNORATES[key][0]
