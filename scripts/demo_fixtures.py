"""French demo data as plain tables, read by ``demo_data.py``.

Kept apart from the code so that adding a customer or a service is a
one-line change.  Identifiers (SIREN, SIRET, VAT, IBAN) are not written
here: ``demo_data.py`` computes valid ones with python-stdnum.
"""
from decimal import Decimal

COMPANY = {
    'name': "Artis Services SAS",
    'street': "18 rue de la Villette",
    'postal_code': "69003",
    'city': "Lyon",
    'email': "facturation@artis-services.example",
    'phone': "+33 4 72 00 18 18",
    'website': "https://www.artis-services.example",
    'siren_base': "81234567",       # 8 digits, Luhn key added
    'sepa_national_id': "4F2A91",   # ICS: FRkkZZZ + 6 characters
    'bank': ("LCL - Le Crédit Lyonnais", "CRLYFRPPXXX", "30002"),
    }

# French businesses: (code, name, street, postal code, city, e-mail domain,
# has SIRET).  Every one has its SIREN: the e-invoices need it (BR-FR-11).
CUSTOMERS = [
    ("C0001", "Boulangerie Martin SARL", "4 place Bellecour", "69002", "Lyon", "boulangerie-martin", True),
    ("C0002", "Cabinet Dupont & Associés", "27 avenue Foch", "75016", "Paris", "cabinet-dupont", True),
    ("C0003", "Garage des Alpes", "112 route de Grenoble", "38500", "Voiron", "garage-des-alpes", True),
    ("C0004", "Pharmacie du Centre", "9 rue Nationale", "37000", "Tours", "pharmacie-du-centre-tours", False),
    ("C0005", "Atelier Moreau Menuiserie", "3 impasse des Artisans", "44300", "Nantes", "atelier-moreau", True),
    ("C0006", "Clinique vétérinaire Saint-Roch", "56 boulevard Saint-Roch", "34000", "Montpellier", "veto-saint-roch", True),
    ("C0007", "Hôtel Le Beau Rivage", "1 promenade des Anglais", "06000", "Nice", "hotel-beau-rivage", True),
    ("C0008", "Transports Lefèvre", "ZI des Grands Champs", "59810", "Lesquin", "transports-lefevre", True),
    ("C0009", "Librairie Les Mots Passants", "15 rue Sainte-Catherine", "33000", "Bordeaux", "motspassants", False),
    ("C0010", "SCI Les Tilleuls", "8 allée des Tilleuls", "21000", "Dijon", "sci-tilleuls", False),
    ("C0011", "Restaurant La Table d'Émilie", "22 quai Saint-Antoine", "69002", "Lyon", "table-emilie", True),
    ("C0012", "Expertise Comptable Girard", "5 rue du Palais", "67000", "Strasbourg", "girard-expertise", True),
    ("C0013", "Agence Immobilière Duval", "41 cours Mirabeau", "13100", "Aix-en-Provence", "duval-immobilier", True),
    ("C0014", "Fromagerie Rousseau", "2 rue du Marché", "74000", "Annecy", "fromagerie-rousseau", False),
    ("C0015", "Laboratoire Bioanalyses Ouest", "17 rue de Brest", "35000", "Rennes", "bioanalyses-ouest", True),
    ("C0016", "Cave Coopérative du Ventoux", "Route de Malaucène", "84340", "Entrechaux", "cave-ventoux", True),
    ("C0017", "École de musique Crescendo", "10 rue des Arts", "31000", "Toulouse", "crescendo-musique", False),
    ("C0018", "Plomberie Chauffage Bernard", "66 avenue Jean Jaurès", "63000", "Clermont-Ferrand", "pcbernard", True),
    ("C0019", "Centre dentaire des Halles", "3 rue Rambuteau", "75001", "Paris", "dentaire-halles", True),
    ("C0020", "Fleurs et Jardins Petit", "19 rue de la Paix", "51100", "Reims", "fleurs-petit", False),
    ("C0021", "Imprimerie Lambert", "Parc d'activités du Moulin", "49000", "Angers", "imprimerie-lambert", True),
    ("C0022", "Auto-école Horizon", "7 boulevard Gambetta", "76000", "Rouen", "autoecole-horizon", False),
    ("C0023", "Cabinet d'architectes Mercier", "30 rue Serpenoise", "57000", "Metz", "mercier-architectes", True),
    ("C0024", "Domaine Fontaine Vins", "Chemin des Vignes", "21200", "Beaune", "domaine-fontaine", True),
    ("C0025", "Salon de coiffure Chevalier", "12 rue Saint-Ferréol", "13001", "Marseille", "coiffure-chevalier", False),
    ("C0026", "Optique Blanc", "48 rue de Siam", "29200", "Brest", "optique-blanc", True),
    ("C0027", "Association Sportive Caladoise", "Stade Armand Chouffet", "69400", "Villefranche-sur-Saône", "as-caladoise", False),
    ("C0028", "Boucherie Garnier", "6 place du Marché", "38000", "Grenoble", "boucherie-garnier", False),
    ("C0029", "Électricité Faure Industrie", "ZA de la Plaine", "42000", "Saint-Étienne", "faure-industrie", True),
    ("C0030", "Notaires Roux & Vincent", "14 place Royale", "64000", "Pau", "roux-vincent-notaires", True),
    ("C0031", "Crèche Les Petits Loups", "25 rue Victor Hugo", "87000", "Limoges", "petits-loups", False),
    ("C0032", "Brasserie du Port", "2 quai Gabut", "17000", "La Rochelle", "brasserie-du-port", True),
    ("C0033", "Kinésithérapie Morel", "9 avenue de la Libération", "86000", "Poitiers", "kine-morel", False),
    ("C0034", "Bureau d'études Thermique Perrin", "33 rue Lafayette", "25000", "Besançon", "perrin-thermique", True),
    ("C0035", "Supérette Chez Nadia", "101 rue de Paris", "93100", "Montreuil", "chez-nadia", False),
    ("C0036", "Gîtes du Lac Clément", "Lieu-dit Le Bourg", "15000", "Aurillac", "gites-clement", False),
    ("C0037", "Menuiseries Gauthier & Fils", "ZI Sud", "72000", "Le Mans", "gauthier-fils", True),
    ("C0038", "Cabinet médical Lopez", "4 rue Pasteur", "66000", "Perpignan", "cabinet-lopez", False),
    ("C0039", "Société Nouvelle Dubois Emballages", "Rue de l'Industrie", "80000", "Amiens", "dubois-emballages", True),
    ("C0040", "Ateliers Fournier Mécanique", "15 chemin du Halage", "45000", "Orléans", "fournier-meca", True),
    ("C0041", "Traiteur Saveurs d'Antan", "8 rue des Halles", "56000", "Vannes", "saveurs-antan", False),
    ("C0042", "Camping Les Pins Dorés", "Avenue de l'Océan", "40200", "Mimizan", "pins-dores", True),
    ("C0043", "Mutuelle Solidaire du Rhône", "90 cours Lafayette", "69003", "Lyon", "mutuelle-solidaire", True),
    ("C0044", "Centre de formation Cap Avenir", "11 rue de la Gare", "68100", "Mulhouse", "cap-avenir", True),
    ]

# Public entities, invoiced through Chorus Pro: (code, name, street,
# postal code, city, e-mail domain, SIREN base (8 digits, 2... for a local
# authority), Chorus Pro service code, engagement number)
PUBLIC_CUSTOMERS = [
    ("C0101", "Mairie de Villeurbanne", "Place Lazare Goujon", "69100", "Villeurbanne", "mairie-villeurbanne", "21690266", "SERV-FINANCES", "EJ-2026-000871"),
    ]
# Their contracts: (reference, customer code, [(service code, quantity)],
# description)
PUBLIC_CONTRACTS = [
    ("DEMO-PUB-001", "C0101", [("MAINT", 1), ("SAUV", 2)], "Maintenance informatique des écoles"),
    ]

# Customers paying by SEPA direct debit: with a validated mandate, and
# without one (the batch must flag those invoices, SPEC B5).
SDD_WITH_MANDATE = ["C0001", "C0003", "C0008", "C0012", "C0015", "C0021"]
SDD_WITHOUT_MANDATE = ["C0005", "C0019", "C0029"]
ON_RECEIPT = ["C0004", "C0010", "C0025", "C0035"]

CUSTOMER_BANKS = [
    ("BNP Paribas", "BNPAFRPPXXX", "30004"),
    ("Société Générale", "SOGEFRPPXXX", "30003"),
    ("Crédit Agricole", "AGRIFRPPXXX", "18206"),
    ]

# A VAT exemption (0 %, category E) with its legal notice and VATEX code:
# (name, legal notice, VATEX code)
EXEMPT_TAX = ("Exonération de TVA formation professionnelle",
    "Exonération de TVA – article 261-4-4° a du CGI", "VATEX-FR-CGI261-4")

# Product categories: (name, revenue account code, customer tax name)
CATEGORIES = [
    ("Prestations de services", "706", "T.V.A. Vente de services Taux Normal"),
    ("Locations", "706", "T.V.A. Vente de services Taux Normal"),
    ("Entretien logement (TVA 10 %)", "706", "T.V.A. Vente de services Taux Intermédiaire"),
    ("Documentation numérique (TVA 5,5 %)", "706", "T.V.A. Vente de services 5,5%"),
    ("Formation professionnelle (exonérée)", "706", EXEMPT_TAX[0]),
    ]

# Services: (code, name, category, unit xml id, unit price, consumption)
# consumption is the recurrence name of the service's consumption.
SERVICES = [
    ("MAINT", "Maintenance informatique", "Prestations de services", "uom_unit", Decimal('390.00'), "monthly"),
    ("HEB-SRV", "Hébergement serveur dédié", "Prestations de services", "uom_unit", Decimal('149.00'), "monthly"),
    ("HEB-WEB", "Hébergement site web", "Prestations de services", "uom_unit", Decimal('29.00'), "monthly"),
    ("SAUV", "Sauvegarde externalisée 100 Go", "Prestations de services", "uom_unit", Decimal('45.00'), "monthly"),
    ("LIC", "Licence logiciel de gestion (par utilisateur)", "Prestations de services", "uom_unit", Decimal('35.00'), "monthly"),
    ("SUPPORT", "Support technique (forfait d'heures)", "Prestations de services", "uom_hour", Decimal('85.00'), "monthly"),
    ("INFOG", "Infogérance poste de travail", "Prestations de services", "uom_unit", Decimal('25.00'), "monthly"),
    ("TELESURV", "Télésurveillance des locaux", "Prestations de services", "uom_unit", Decimal('59.00'), "monthly"),
    ("PHOTOCOP", "Location photocopieur multifonction", "Locations", "uom_unit", Decimal('120.00'), "monthly"),
    ("AUDIT", "Audit de sécurité informatique", "Prestations de services", "uom_unit", Decimal('1200.00'), "yearly"),
    ("CHAUD", "Entretien annuel chaudière (logement)", "Entretien logement (TVA 10 %)", "uom_unit", Decimal('180.00'), "yearly"),
    ("DOCJUR", "Abonnement base documentaire juridique", "Documentation numérique (TVA 5,5 %)", "uom_unit", Decimal('480.00'), "yearly"),
    ("FORM", "Formation continue des équipes (exonérée)", "Formation professionnelle (exonérée)", "uom_unit", Decimal('350.00'), "monthly"),
    ]

# Contract kinds: (label, invoice recurrence, consumption recurrence,
# whether the invoice recurrence starts at the contract start)
# "À échoir" = invoiced in advance, "à terme échu" = invoiced in arrears.
KINDS = {
    'monthly_advance': ("mensuel à échoir", 'monthly_start', 'monthly_start', True),
    'monthly_arrears': ("mensuel à terme échu", 'monthly_end', 'monthly_start', False),
    'quarterly_advance': ("trimestriel à échoir", 'quarterly', 'quarterly', True),
    'yearly_advance': ("annuel à échoir", 'yearly', 'yearly', True),
    }

# Recurrence rule sets: key -> (name, freq, interval, bymonthday)
RECURRENCES = {
    'monthly_start': ("Mensuel (le 1er du mois)", 'monthly', 1, '1'),
    'monthly_end': ("Mensuel (fin de mois)", 'monthly', 1, '-1'),
    'quarterly': ("Trimestriel", 'monthly', 3, None),
    'yearly': ("Annuel", 'yearly', 1, None),
    }

# Contract types (lot_facturation's sale.subscription.type): code -> name
CONTRACT_TYPES = {
    'MAINT': "Maintenance et support",
    'HEB': "Hébergement",
    'LIC': "Licences",
    'LOC': "Location de matériel",
    'ENT': "Entretien",
    'DOC': "Abonnements documentaires",
    'AUDIT': "Audit",
    }

# Contract templates cycled over the customers:
# (kind, [(service code, quantity)], description, contract type code)
CONTRACTS = [
    ('monthly_advance', [("MAINT", 1), ("SAUV", 1)], "Contrat de maintenance informatique", 'MAINT'),
    ('monthly_advance', [("HEB-WEB", 1)], "Hébergement du site vitrine", 'HEB'),
    ('monthly_arrears', [("SUPPORT", 5)], "Support technique 5 h par mois", 'MAINT'),
    ('quarterly_advance', [("INFOG", 12)], "Infogérance du parc (12 postes)", 'MAINT'),
    ('monthly_advance', [("LIC", 6)], "Licences logiciel de gestion (6 utilisateurs)", 'LIC'),
    ('yearly_advance', [("AUDIT", 1)], "Audit de sécurité annuel", 'AUDIT'),
    ('monthly_advance', [("HEB-SRV", 1), ("SAUV", 2)], "Hébergement serveur dédié", 'HEB'),
    ('monthly_arrears', [("TELESURV", 1)], "Télésurveillance", 'MAINT'),
    ('quarterly_advance', [("PHOTOCOP", 1)], "Location photocopieur", 'LOC'),
    ('yearly_advance', [("CHAUD", 1)], "Entretien chaudière du logement de fonction", 'ENT'),
    ('yearly_advance', [("DOCJUR", 1)], "Abonnement documentation juridique", 'DOC'),
    ('monthly_arrears', [("INFOG", 4), ("SUPPORT", 2)], "Infogérance et support", 'MAINT'),
    ]
# Contracts of VAT-exempt training (a 0 % tax with its legal notice: an
# invoice line without any tax is refused by the e-invoice validators).
EXEMPT_CONTRACTS = ['DEMO-027', 'DEMO-031']
NUMBER_OF_CONTRACTS = 66
