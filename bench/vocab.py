"""Word lists for the synthetic corpus: medical terms, cities, names, specialties.

The general English vocabulary lives in ``data/english.txt`` (frequency order); this module
holds the domain lists, each roughly in order of how common it should be, because the
generator draws from them with Zipf weights by rank.
"""

from __future__ import annotations

from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"


def english_words() -> list[str]:
    """The general English vocabulary, most frequent first."""
    text = (_DATA / "english.txt").read_text(encoding="utf-8")
    return [w for w in text.split("\n") if w and not w.startswith("#")]


# About 300 terms of the cosmetic/medical Q&A domain; multi-word terms stay together so
# that phrase queries find them.
MEDICAL_TERMS = """
botox|filler|injection|injections|treatment|procedure|surgery|patients|doctor|results
swelling|skin|muscle|muscles|face|dose|units|forehead|wrinkles|lines
dermatologist|neurologist|plastic surgeon|restylane|juvederm|contraindication|botulinum
multiple sclerosis|spasticity|fillers|lips|cheeks|eyes|eyelid|bruising|recovery|consultation
neurotoxin|dysport|xeomin|hyaluronic acid|collagen|laser|scar|scarring|incision|anesthesia
sculptra|radiesse|voluma|volbella|kybella|liposuction|rhinoplasty|facelift|blepharoplasty
breast augmentation|implants|implant|tummy tuck|chin|jawline|nose|brow|eyebrow|temples
crows feet|frown lines|glabella|nasolabial folds|marionette lines|tear trough|dark circles
hollowness|volume loss|asymmetry|droopy eyelid|ptosis|eyelid ptosis|lump|lumps|nodule
granuloma|infection|antibiotics|inflammation|redness|itching|allergic reaction|hives
numbness|tingling|headache|migraine|migraines|sweating|hyperhidrosis|spasms|muscle spasms
neuromuscular|neuromuscular junction|autoimmune|autoimmune disease|myasthenia gravis
antibodies|immune system|nerve|nerves|myelin|relapse|exacerbation|flare|medication
medications|steroids|prednisone|blood thinners|aspirin|ibuprofen|arnica|ice|compression
hyaluronidase|vitrase|dissolve|dissolving|migration|overfilled|underfilled|touch up
cannula|needle|microcannula|lidocaine|numbing cream|topical anesthetic|pain|discomfort
pregnancy|breastfeeding|pregnant|nursing|diabetes|thyroid|lupus|rheumatoid arthritis
chemical peel|microneedling|microdermabrasion|laser resurfacing|fraxel|co2 laser|ipl
photofacial|rosacea|acne|acne scars|melasma|hyperpigmentation|sun damage|sunscreen
retinol|tretinoin|vitamin c|skincare|moisturizer|dermal filler|dermal fillers|cosmetic
board certified|experienced injector|injector|nurse injector|physician assistant|clinic
medspa|office|appointment|follow up|photos|before and after|examination|evaluation
anatomy|facial anatomy|aging|facial aging|rejuvenation|facial rejuvenation|contour
contouring|augmentation|lip augmentation|lip filler|lip flip|gummy smile|masseter
masseter reduction|teeth grinding|bruxism|tmj|jaw pain|neck bands|platysma|neck lift
thread lift|pdo threads|fat transfer|fat grafting|fat injections|prp|platelet rich plasma
vampire facial|hair loss|hair restoration|minoxidil|finasteride|hair transplant|scalp
varicose veins|spider veins|sclerotherapy|phlebologist|vein treatment|compression stockings
thrombosis|blood clot|vascular occlusion|necrosis|blindness|emergency|complication
complications|side effects|risks|safety|fda approved|off label|clinical studies|evidence
dermatologic surgeon|oculoplastic surgeon|facial plastic surgeon|otolaryngologist|dentist
spasticity treatment|cerebral palsy|stroke|dystonia|blepharospasm|bells palsy|facial palsy
facial nerve|weakness|paralysis|eyelid droop|brow ptosis|lid lift|eyelid surgery|ptosis repair
apraclonidine|iopidine|eye drops|diplopia|double vision|dry eye|tear duct|orbital
cheek filler|chin filler|jaw filler|temple filler|under eye filler|nonsurgical rhinoplasty
liquid facelift|vollure|belotero|revanesse|rha|versa|renuvion|ultherapy|thermage|morpheus8
radiofrequency|ultrasound|coolsculpting|fat reduction|body contouring|cellulite|stretch marks
tattoo removal|mole removal|skin cancer|biopsy|mohs surgery|basal cell carcinoma|melanoma
keloid|hypertrophic scar|steroid injection|kenalog|silicone|permanent filler|bellafill
artefill|aquamid|biopolymers|silicone injections|black market|unlicensed|counterfeit botox
dilution|reconstitution|saline|storage|refrigeration|diffusion|spread|potency|resistance
immunity|neutralizing antibodies|tolerance|frequency|interval|every three months|duration
onset|peak effect|wear off|long lasting|maintenance|cost|price|per unit|per syringe
syringe|syringes|half syringe|milliliter|cc|vial|units of botox|baby botox|microbotox
preventative botox|brotox|men|women|teenagers|elderly|genetics|smoking|alcohol|exercise
""".replace("\n", "|").strip("|").split("|")

# Word endings of the specialties: a title ending in one of these could read like a card's
# "<city> <specialty>" place line, so the generator never ends a title with them.
SPECIALTY_TAILS = {"surgeon", "dermatologist", "phlebologist", "physician", "dentist",
                   "otolaryngologist"}

# (specialty, weight, credential options)
SPECIALTIES = [
    ("Plastic Surgeon", 34, ["MD", "MD, FACS", "MD", "DO", "MD, FRCSC"]),
    ("Dermatologist", 18, ["MD", "MD, FAAD", "DO", "MD, FRCPC"]),
    ("Facial Plastic Surgeon", 14, ["MD", "MD, FACS", "DO"]),
    ("Dermatologic Surgeon", 8, ["MD", "MD, FAAD", "MD, FACS"]),
    ("Oculoplastic Surgeon", 6, ["MD", "MD, FACS"]),
    ("Physician", 6, ["MD", "DO", "MD, PhD"]),
    ("Board Eligible Plastic Surgeon", 3, ["MD", "DO"]),
    ("Otolaryngologist", 3, ["MD", "MD, FACS"]),
    ("General Surgeon", 2, ["MD", "MD, FACS", "DO"]),
    ("Phlebologist", 2, ["MD", "MD, FACS", "DO"]),
    ("Dentist", 2, ["DDS", "DMD"]),
    ("Oral & Maxillofacial Surgeon", 2, ["DDS", "DMD", "DDS, MD"]),
]

# About 150 real cities, big ones first; several have more than one word or a hyphen.
CITIES = """
New York|Los Angeles|Beverly Hills|Miami|Houston|Chicago|Dallas|San Diego|Atlanta|Toronto
Philadelphia|Boston|Scottsdale|Las Vegas|San Francisco|Seattle|Phoenix|Denver|Austin
Manhattan|Newport Beach|West Palm Beach|Boca Raton|Fort Lauderdale|Tampa|Orlando|Nashville
Charlotte|Washington|Baltimore|Minneapolis|Saint Louis|Kansas City|Salt Lake City|Portland
Lake Oswego|San Antonio|Fort Worth|The Woodlands|Raleigh-Durham|Raleigh|Richmond|Pittsburgh
Cleveland|Columbus|Cincinnati|Detroit|Indianapolis|Milwaukee|Louisville|Memphis|New Orleans
Oklahoma City|Tulsa|Albuquerque|Tucson|Sacramento|San Jose|Palo Alto|Oakland|Bay Area
Orange County|Santa Monica|Pasadena|Irvine|La Jolla|Santa Barbara|Fresno|Honolulu|Anchorage
Boise|Spokane|Omaha|Des Moines|Madison|Buffalo|Rochester|Albany|Syracuse|Hartford
Providence|Stamford|Greenwich|Long Island|Great Neck|Garden City|Hackensack|Paramus
East Brunswick|Red Bank|Princeton|Wilmington|Virginia Beach|Charleston|Savannah|Jacksonville
Sarasota|Naples|Fort Myers|Palm Beach Gardens|Coral Gables|Aventura|Panama City|Pensacola
Birmingham|Huntsville|Little Rock|Jackson|Baton Rouge|Shreveport|El Paso|Plano|Frisco
Sugar Land|Corpus Christi|Lubbock|Colorado Springs|Boulder|Reno|Henderson|Marin|Walnut Creek
Mountain View|Beverly|Cambridge|Newton|Chestnut Hill|Wellesley|Burlington|Portsmouth
Bangor|Montreal|Vancouver|Calgary|Edmonton|Ottawa|Winnipeg|Halifax|Victoria|Quebec City
Mississauga|Oakville|Saskatoon|Regina|Hamilton|London|Kitchener|Sherbrooke|Kelowna
Dominican Republic|Chevy Chase|Bethesda|McLean|Towson|Lutherville|Ann Arbor|Grand Rapids
""".replace("\n", "|").strip("|").split("|")

FIRST_NAMES = """
Michael David John James Robert William Richard Steven Joseph Thomas Daniel Mark Paul Andrew
Kenneth Brian Jeffrey Christopher Matthew Anthony Scott Gregory Jonathan Eric Peter Stephen
Edward Ronald Gary Jason Kevin Timothy Alan Douglas Frank Charles George Raymond Samuel
Benjamin Nicholas Patrick Jack Henry Lawrence Philip Bruce Adam Aaron Bryan Keith Craig
Vincent Marc Melvin Edwin Hratch Sejal Miguel Lane Farhan Ashkan Babak Rajesh Anil Sanjay
Mary Patricia Jennifer Linda Elizabeth Susan Jessica Sarah Karen Nancy Lisa Margaret Sandra
Ashley Michelle Amanda Melissa Deborah Stephanie Laura Rebecca Sharon Cynthia Kathleen Amy
Angela Anna Julie Heather Diane Ruth Joyce Marla Michele Sheila Rachel Naomi Leah Miriam
Yvonne Monica Renee Tanya Irene Priya Anjali Mei Lin Yuki Elena Sofia Camila Gabriela
""".split()

LAST_NAMES = """
Smith Johnson Williams Brown Jones Miller Davis Garcia Rodriguez Wilson Martinez Anderson
Taylor Thomas Hernandez Moore Martin Jackson Thompson White Lopez Lee Gonzalez Harris Clark
Lewis Robinson Walker Perez Hall Young Allen Sanchez Wright King Scott Green Baker Adams
Nelson Hill Ramirez Campbell Mitchell Roberts Carter Phillips Evans Turner Torres Parker
Collins Edwards Stewart Flores Morris Nguyen Murphy Rivera Cook Rogers Morgan Peterson
Cooper Reed Bailey Bell Gomez Kelly Howard Ward Cox Diaz Richardson Wood Watson Brooks
Bennett Gray James Reyes Cruz Hughes Price Myers Long Foster Sanders Ross Morales Powell
Sullivan Russell Ortiz Jenkins Gutierrez Perry Butler Barnes Fisher Henderson Coleman
Simmons Patterson Jordan Reynolds Hamilton Graham Kim Gonzales Alexander Ramos Wallace
Griffin West Cole Hayes Chavez Gibson Bryant Ellis Stevens Murray Ford Marshall Owens
McDonald Harrison Ruiz Kennedy Wells Alvarez Woods Mendoza Castillo Olson Webb Washington
Tucker Freeman Burns Henry Vasquez Snyder Simpson Crawford Jimenez Porter Mason Shaw Gordon
Wagner Hunter Romero Hicks Dixon Hunt Palmer Robertson Black Holmes Stone Meyer Boyd Mills
Warren Fox Rose Rice Moreno Schmidt Patel Ferguson Nichols Herrera Medina Ryan Fernandez
Weaver Daniels Stephens Gardner Payne Kelley Dunn Pierce Arnold Tran Spencer Peters Hawkins
Grant Hansen Castro Hoffman Hart Elliott Cunningham Knight Bradley Klein Weiner Shah Elson
Ishoo Denkler Karamanoukian Chen Steinsapir Wallach Shafer Francis Bray Mota Goldberg
Rosenberg Friedman Cohen Levine Katz Shapiro Kaplan Stein Weiss Rubin Singer Greenberg
Schwartz Berman Feldman Gold Silver Stern Adler Zimmerman Horowitz Gupta Sharma Mehta
Kapoor Reddy Rao Iyer Nair Desai Joshi Wong Liu Wang Zhang Yang Huang Zhao Wu Zhou Park
Choi Kang Cho Yoon Jang Lim Tanaka Suzuki Watanabe Ito Nakamura Kobayashi Rossi Russo
Ferrari Esposito Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti DeLuca Costa
Dubois Laurent Lefebvre Moreau Girard Fontaine Mueller Schneider Fischer Becker Wolf
Schulz Koch Richter Novak Kowalski Nowak Horvath Popescu Ivanov Petrov Sokolov Haddad
Khoury Nassar Aziz Rahman Hussain Ahmed Karimi Hosseini Tehrani Sadeghi Farah Mansour
""".split()

MIDDLE_INITIALS = "ABCDEFGHJKLMNPRSTW"

DISCLAIMER = (
    "These answers are for educational purposes and should not be relied upon as a "
    "substitute for medical advice you may receive from your physician. If you have a "
    "medical emergency, please call 911. These answers do not constitute or initiate a "
    "patient/doctor relationship."
)
