"""The plural kro gives a kind: ``flect.Pluralize(strings.ToLower(kind))`` (gobuffalo/flect v1.0.3).

kro names the CRD it generates ``<plural>.<group>`` and serves the kind under that plural, so RBAC
rules, ``kubectl get`` and the CRD name all depend on it (KRO-RULES §6). :func:`kro_plural` follows
flect's algorithm step by step, quirks included:

1. a word listed in flect's dictionary gives its listed plural; a word that is already a listed
   plural is kept;
2. otherwise the first suffix rule that matches wins (rules from the dictionary's words, newest
   first, then flect's suffix table, in order; each rule also keeps words already ending in its
   plural suffix);
3. otherwise a word ending in ``s`` is kept and any other gets ``s``.

A kind whose lower-case name is an acronym flect knows (``API``, ``DNS``...) is matched upper-case,
so only flect's upper-case ``S`` rule can apply to it (``DNS`` → ``dnsDNSes``, a name the API server
then refuses; see :func:`plural_problem`).

The tables below are the English plurals flect lists (word, plural, alternative plural, flags:
``x`` = exact word only, ``u`` = one-way). They are facts of English, written out here as data.
"""

from __future__ import annotations

import functools
import re

_WORDS: tuple[tuple[str, str, str, str], ...] = (
    ("aircraft", "aircraft", "", ""),
    ("beef", "beef", "beefs", ""),
    ("bison", "bison", "", ""),
    ("blues", "blues", "", "u"),
    ("chassis", "chassis", "", ""),
    ("deer", "deer", "", ""),
    ("fish", "fish", "fishes", ""),
    ("moose", "moose", "", ""),
    ("police", "police", "", ""),
    ("salmon", "salmon", "salmons", ""),
    ("series", "series", "", ""),
    ("sheep", "sheep", "", ""),
    ("shrimp", "shrimp", "shrimps", ""),
    ("species", "species", "", ""),
    ("swine", "swine", "swines", ""),
    ("trout", "trout", "trouts", ""),
    ("tuna", "tuna", "tunas", ""),
    ("you", "you", "", ""),
    ("child", "children", "", ""),
    ("ox", "oxen", "", "x"),
    ("foot", "feet", "", ""),
    ("goose", "geese", "", ""),
    ("man", "men", "", ""),
    ("human", "humans", "", ""),
    ("louse", "lice", "", "x"),
    ("mouse", "mice", "", ""),
    ("tooth", "teeth", "", ""),
    ("woman", "women", "", ""),
    ("die", "dice", "", "x"),
    ("person", "people", "", ""),
    ("adieu", "adieux", "adieus", ""),
    ("fabliau", "fabliaux", "", ""),
    ("bureau", "bureaus", "bureaux", ""),
    ("criterion", "criteria", "", ""),
    ("ganglion", "ganglia", "ganglions", ""),
    ("lexicon", "lexica", "lexicons", ""),
    ("mitochondrion", "mitochondria", "mitochondrions", ""),
    ("noumenon", "noumena", "", ""),
    ("phenomenon", "phenomena", "", ""),
    ("taxon", "taxa", "", ""),
    ("media", "media", "", ""),
    ("medium", "media", "mediums", "u"),
    ("stadium", "stadiums", "stadia", ""),
    ("aquarium", "aquaria", "aquariums", ""),
    ("auditorium", "auditoria", "auditoriums", ""),
    ("symposium", "symposia", "symposiums", ""),
    ("curriculum", "curriculums", "curricula", ""),
    ("quota", "quotas", "", ""),
    ("alumnus", "alumni", "alumnuses", ""),
    ("bacillus", "bacilli", "", ""),
    ("cactus", "cacti", "cactuses", ""),
    ("coccus", "cocci", "", ""),
    ("focus", "foci", "focuses", ""),
    ("locus", "loci", "locuses", ""),
    ("nucleus", "nuclei", "nucleuses", ""),
    ("octopus", "octupuses", "octopi", ""),
    ("radius", "radii", "radiuses", ""),
    ("syllabus", "syllabi", "", ""),
    ("corpus", "corpora", "corpuses", ""),
    ("genus", "genera", "", ""),
    ("alumna", "alumnae", "", ""),
    ("vertebra", "vertebrae", "", ""),
    ("differentia", "differentiae", "", ""),
    ("minutia", "minutiae", "", ""),
    ("vita", "vitae", "", ""),
    ("larva", "larvae", "", ""),
    ("postcava", "postcavae", "", ""),
    ("praecava", "praecavae", "", ""),
    ("uva", "uvae", "", ""),
    ("apex", "apices", "apexes", ""),
    ("codex", "codices", "codexes", ""),
    ("index", "indices", "indexes", ""),
    ("latex", "latices", "latexes", ""),
    ("vertex", "vertices", "vertexes", ""),
    ("vortex", "vortices", "vortexes", ""),
    ("appendix", "appendices", "appendixes", ""),
    ("radix", "radices", "radixes", ""),
    ("helix", "helices", "helixes", ""),
    ("axis", "axes", "", "x"),
    ("crisis", "crises", "", ""),
    ("ellipsis", "ellipses", "", "u"),
    ("genesis", "geneses", "", ""),
    ("oasis", "oases", "", ""),
    ("thesis", "theses", "", ""),
    ("testis", "testes", "", ""),
    ("base", "bases", "", ""),
    ("basis", "bases", "", "u"),
    ("alias", "aliases", "", "x"),
    ("vedalia", "vedalias", "", ""),
    ("use", "uses", "", "x"),
    ("abuse", "abuses", "", ""),
    ("cause", "causes", "", ""),
    ("clause", "clauses", "", ""),
    ("cruse", "cruses", "", ""),
    ("excuse", "excuses", "", ""),
    ("fuse", "fuses", "", ""),
    ("house", "houses", "", ""),
    ("misuse", "misuses", "", ""),
    ("muse", "muses", "", ""),
    ("pause", "pauses", "", ""),
    ("ache", "aches", "", ""),
    ("topaz", "topazes", "", ""),
    ("buffalo", "buffaloes", "buffalos", ""),
    ("potato", "potatoes", "", ""),
    ("tomato", "tomatoes", "", ""),
    ("equipment", "equipment", "", ""),
    ("information", "information", "", ""),
    ("jeans", "jeans", "", ""),
    ("money", "money", "", ""),
    ("news", "news", "", ""),
    ("rice", "rice", "", ""),
    ("dwarf", "dwarfs", "dwarves", ""),
    ("hoof", "hoofs", "hooves", ""),
    ("thief", "thieves", "", ""),
    ("chive", "chives", "", ""),
    ("hive", "hives", "", ""),
    ("move", "moves", "", ""),
    ("movie", "movies", "", ""),
    ("cookie", "cookies", "", ""),
    ("pretorium", "pretoriums", "", ""),
    ("agenda", "agendas", "", ""),
    ("formula", "formulas", "formulae", ""),
    ("shoe", "shoes", "", ""),
    ("toe", "toes", "", "x"),
    ("graffiti", "graffiti", "", ""),
    ("ID", "IDs", "", "x"),
)
_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("tive", "tives"),
    ("eaf", "eaves"),
    ("oaf", "oaves"),
    ("afe", "aves"),
    ("arf", "arves"),
    ("rfe", "rves"),
    ("rf", "rves"),
    ("lf", "lves"),
    ("fe", "ves"),
    ("ay", "ays"),
    ("ey", "eys"),
    ("oy", "oys"),
    ("quy", "quies"),
    ("uy", "uys"),
    ("y", "ies"),
    ("eau", "eaux"),
    ("bula", "bulae"),
    ("dula", "bulae"),
    ("lula", "bulae"),
    ("nula", "bulae"),
    ("vula", "bulae"),
    ("hedron", "hedra"),
    ("ium", "ia"),
    ("seum", "seums"),
    ("eum", "ea"),
    ("oum", "oa"),
    ("stracum", "straca"),
    ("dum", "da"),
    ("elum", "ela"),
    ("ilum", "ila"),
    ("olum", "ola"),
    ("ulum", "ula"),
    ("llum", "lla"),
    ("ylum", "yla"),
    ("imum", "ima"),
    ("ernum", "erna"),
    ("gnum", "gna"),
    ("brum", "bra"),
    ("crum", "cra"),
    ("terum", "tera"),
    ("serum", "sera"),
    ("trum", "tra"),
    ("antum", "anta"),
    ("atum", "ata"),
    ("entum", "enta"),
    ("etum", "eta"),
    ("itum", "ita"),
    ("otum", "ota"),
    ("utum", "uta"),
    ("ctum", "cta"),
    ("ovum", "ova"),
    ("trix", "trices"),
    ("iasis", "iases"),
    ("mesis", "meses"),
    ("kinesis", "kineses"),
    ("resis", "reses"),
    ("gnosis", "gnoses"),
    ("opsis", "opses"),
    ("ysis", "yses"),
    ("ouse", "ouses"),
    ("lause", "lauses"),
    ("us", "uses"),
    ("ch", "ches"),
    ("io", "ios"),
    ("sh", "shes"),
    ("ss", "sses"),
    ("ez", "ezzes"),
    ("iz", "izzes"),
    ("tz", "tzes"),
    ("zz", "zzes"),
    ("ano", "anos"),
    ("lo", "los"),
    ("to", "tos"),
    ("oo", "oos"),
    ("o", "oes"),
    ("x", "xes"),
    ("S", "Ses"),
)
#: Acronyms flect matches upper-case (``flect.baseAcronyms``).
_ACRONYMS = frozenset(
    """OK UTF8 HTML JSON JWT ID UUID SQL ACK ACL ADSL AES ANSI API ARP ATM BGP BSS CCITT CHAP CIDR CIR CLI
    CPE CPU CRC CRT CSMA CMOS DCE DEC DES DHCP DNS DRAM DSL DSLAM DTE DMI EHA EIA EIGRP EOF ESS FCC FCS
    FDDI FTP GBIC GEPOF HDLC HTTP HTTPS IANA ICMP IDF IDS IEEE IETF IMAP IP IPS ISDN ISP LACP LAN LAPB
    LAPF LLC MAC MC MDF MIB MPLS MTU NAC NAT NBMA NIC NRZ NRZI NVRAM OSI OSPF OUI PAP PAT PC PIM PCM PDU
    POP3 POTS PPP PPTP PTT PVST RAM RARP RFC RIP RLL ROM RSTP RTP RCP SDLC SFD SFP SLARP SLIP SMTP SNA
    SNAP SNMP SOF SRAM SSH SSID STP SYN TDM TFTP TIA TOFU UDP URL URI USB UTP VC VLAN VLSM VPN W3C WAN
    WEP WPA WWW""".split()
)
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


@functools.cache
def _tables() -> tuple[dict[str, str], frozenset[str], tuple[tuple[str, str | None], ...]]:
    """flect's ``singleToPlural``, the keys of ``pluralToSingle``, and ``pluralRules`` in match order
    (``(suffix, replacement)``; None keeps the word)."""
    single_to_plural = {singular: plural for singular, plural, _, _ in _WORDS}
    plurals = set()
    for _, plural, alternative, flags in _WORDS:
        if "u" not in flags:
            plurals.add(plural)
            if alternative:
                plurals.add(alternative)
    rules: list[tuple[str, str | None]] = []

    def insert(suffix: str, replacement: str) -> None:  # flect.InsertPluralRule: prepends two rules
        rules[:0] = [(replacement, None), (suffix, replacement)]

    for suffix, replacement in reversed(_SUFFIXES):
        insert(suffix, replacement)
    for singular, plural, _, flags in _WORDS:
        if "x" not in flags:
            insert(singular, plural)
    return single_to_plural, frozenset(plurals), tuple(rules)


def pluralize(word: str) -> str:
    """``flect.Pluralize(word)`` for one word of letters and digits."""
    if not word.strip():
        return ""
    single_to_plural, plurals, rules = _tables()
    last = word.upper() if word.upper() in _ACRONYMS else word  # flect's toParts: one part
    if word in single_to_plural:
        return _replace_suffix(word, word, single_to_plural[word])
    lower = last.lower()
    if word in plurals or lower in plurals:
        return word
    if lower in single_to_plural:
        plural = single_to_plural[lower]
        if last == last[:1].upper() + last[1:]:
            plural = plural[:1].upper() + plural[1:]
        return _replace_suffix(word, last, plural)
    for suffix, replacement in rules:
        if last.endswith(suffix):
            new = last if replacement is None else last[: len(last) - len(suffix)] + replacement
            return _replace_suffix(word, last, new)
    return word if lower.endswith("s") else word + "s"


def _replace_suffix(original: str, suffix: str, new: str) -> str:
    """flect's ``Ident.ReplaceSuffix``: Go's ``TrimSuffix`` (a no-op when it does not match), then append."""
    return (original[: len(original) - len(suffix)] if original.endswith(suffix) else original) + new


def kro_plural(kind: str) -> str:
    """The plural kro v0.9.3 serves ``kind`` under (``Policy`` → ``policies``, ``WebApp`` → ``webapps``)."""
    return pluralize(kind.lower())


def plural_problem(kind: str) -> str | None:
    """Why the API server would refuse the CRD kro generates for ``kind``, or None when its plural
    is a valid DNS label (flect turns some acronyms into mixed-case plurals)."""
    plural = kro_plural(kind)
    if _DNS_LABEL.match(plural) and len(plural) <= 63:
        return None
    return f"kro pluralises kind {kind} as {plural!r}, which is not a lower-case DNS label"
