"""French names, streets, towns and musical vocabulary for the synthetic data (built in, so
that generating needs only the portal's own dependencies)."""

LAST_NAMES = (
    """MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON
MICHEL LEFEBVRE LEROY ROUX DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE
ROUSSEAU VINCENT MULLER LEFEVRE FAURE ANDRE MERCIER BLANC GUERIN BOYER GARNIER CHEVALIER
FRANCOIS LEGRAND GAUTHIER GARCIA PERRIN ROBIN CLEMENT MORIN NICOLAS HENRY ROUSSEL MATHIEU
GAUTIER MASSON MARCHAND DUVAL DENIS DUMONT MARIE LEMAIRE NOEL MEYER DUFOUR MEUNIER BRUN BLANCHARD
GIRAUD JOLY RIVIERE LUCAS BRUNET GAILLARD BARBIER ARNAUD MARTINEZ GERARD ROCHE RENARD SCHMITT
ROY LEROUX COLIN VIDAL CARON PICARD ROGER FABRE AUBERT LEMOINE RENAUD DUMAS LACROIX OLIVIER
PHILIPPE BOURGEOIS PIERRE BENOIT REY LECLERC PAYET ROLLAND LECLERCQ GUILLAUME LECOMTE LOPEZ
JEAN DUPUY GUILLOT HUBERT BERGER CARPENTIER SANCHEZ DUPUIS MOULIN LOUIS DESCHAMPS HUET VASSEUR
PEREZ BOUCHER FLEURY ROYER KLEIN JACQUET ADAM PARIS POIRIER MARTY AUBRY GUYOT CARRE CHARLES
RENAULT CHARPENTIER MENARD MAILLARD BARON BERTIN BAILLY HERVE SCHNEIDER FERNANDEZ LE GALL
COLLET LEGER BOUVIER JULIEN PREVOST MILLET PERROT DANIEL LE ROUX COUSIN GERMAIN BRETON BESSON
LANGLOIS REMY LE GOFF PELLETIER LEVEQUE PERRIER LEBLANC BARRE LEBRUN MARCHAL WEBER MALLET
HAMON BOULANGER JACOB MONNIER MICHAUD RODRIGUEZ GUICHARD GILLET ETIENNE GRONDIN POULAIN TESSIER
CHEVALLIER COLLIN CHAUVIN DA SILVA BOUCHET GAY LEMAITRE BENARD MARECHAL HUMBERT REYNAUD
ANTOINE HOARAU PERRET BARTHELEMY CORDIER PICHON LEJEUNE GILBERT LAMY DELAUNAY PASQUIER CARLIER
LAPORTE""".replace("DA SILVA", "DA_SILVA")
    .replace("LE GALL", "LE_GALL")
    .split()
)
LAST_NAMES = [name.replace("_", " ") for name in LAST_NAMES]

FIRST_NAMES_F = """Marie Camille Léa Manon Chloé Emma Inès Jade Louise Alice Lina Rose Anna
Juliette Zoé Lou Ambre Julia Léna Mila Eva Nina Agathe Romane Clara Sarah Margaux Jeanne
Lucie Mathilde Irina Élise Apolline Victoire Héloïse Capucine Adèle Charlotte Gabrielle
Salomé Anaïs Pauline Céline Nathalie Isabelle Sophie Sandrine Valérie Stéphanie Aurélie
Émilie Hélène Claire Laure Virginie Caroline Delphine Audrey Élodie Karine""".split()  # noqa: SIM905

FIRST_NAMES_M = """Gabriel Léo Raphaël Arthur Louis Jules Adam Maël Lucas Hugo Noah Liam
Sacha Paul Nathan Gabin Ethan Mathis Aaron Tom Théo Victor Martin Axel Nolan Timéo Robin
Valentin Antoine Baptiste Clément Maxime Alexandre Thomas Nicolas Julien Pierre Jérémie
Sébastien Olivier Stéphane Christophe Frédéric Laurent David Philippe Vincent Guillaume
Benoît Mathieu Romain Florian Cédric Damien Fabrice Éric Franck Arnaud Jérôme""".split()  # noqa: SIM905

STREET_KINDS = ["rue", "avenue", "boulevard", "allée", "place", "impasse", "chemin", "quai"]
STREET_NAMES = """de la République|Victor Hugo|Jean Jaurès|des Lilas|du Moulin|de la Gare|Pasteur
|des Écoles|de l'Église|du Château|Gambetta|Jules Ferry|de Verdun|des Acacias|du Stade
|Georges Clemenceau|de la Paix|Émile Zola|des Tilleuls|du Général de Gaulle|Carnot|des Roses
|de la Liberté|Maurice Ravel|Claude Debussy|Gabriel Fauré|Hector Berlioz|des Peupliers
|Saint-Martin|de Bretagne|du Lavoir|des Vignes|de la Forêt|des Jardins|Louis Pasteur""".replace(
    "\n", ""
).split("|")

TOWNS = [
    ("45000", "Orléans"),
    ("45100", "Orléans"),
    ("45140", "Saint-Jean-de-la-Ruelle"),
    ("45160", "Olivet"),
    ("45400", "Fleury-les-Aubrais"),
    ("45800", "Saint-Jean-de-Braye"),
    ("37000", "Tours"),
    ("41000", "Blois"),
    ("18000", "Bourges"),
    ("28000", "Chartres"),
    ("36000", "Châteauroux"),
    ("69001", "Lyon"),
    ("69100", "Villeurbanne"),
    ("33000", "Bordeaux"),
    ("31000", "Toulouse"),
    ("44000", "Nantes"),
    ("35000", "Rennes"),
    ("59000", "Lille"),
    ("67000", "Strasbourg"),
    ("13001", "Marseille"),
    ("06000", "Nice"),
    ("34000", "Montpellier"),
    ("21000", "Dijon"),
    ("63000", "Clermont-Ferrand"),
    ("87000", "Limoges"),
    ("86000", "Poitiers"),
    ("49000", "Angers"),
    ("72000", "Le Mans"),
    ("76000", "Rouen"),
    ("14000", "Caen"),
]

PROFESSIONS = """Enseignant|Infirmière|Ingénieur|Comptable|Commerçant|Médecin|Artisan|Agent
administratif|Technicien|Cadre|Musicien|Architecte|Pharmacienne|Avocat|Boulanger|Secrétaire
|Développeur|Chauffeur|Agricultrice|Journaliste""".replace("\n", " ").split("|")
PROFESSIONS = [name.strip() for name in PROFESSIONS]

INSTRUMENTS = [
    ("Piano", "Claviers"),
    ("Orgue", "Claviers"),
    ("Violon", "Cordes"),
    ("Alto", "Cordes"),
    ("Violoncelle", "Cordes"),
    ("Contrebasse", "Cordes"),
    ("Guitare", "Cordes pincées"),
    ("Harpe", "Cordes pincées"),
    ("Flûte traversière", "Bois"),
    ("Clarinette", "Bois"),
    ("Hautbois", "Bois"),
    ("Basson", "Bois"),
    ("Saxophone", "Bois"),
    ("Trompette", "Cuivres"),
    ("Cor", "Cuivres"),
    ("Trombone", "Cuivres"),
    ("Tuba", "Cuivres"),
    ("Percussions", "Percussions"),
    ("Chant", "Voix"),
]
COLLECTIVES = ["Chorale", "Orchestre à cordes", "Harmonie", "Musique de chambre", "Jazz"]
CYCLES = ["1C1", "1C2", "1C3", "1C4", "2C1", "2C2", "2C3", "2C4", "3C1", "3C2"]

COMPOSERS_PIECES = """Bach – Prélude en do majeur|Mozart – Sonate K. 545|Beethoven – Lettre à
Élise|Chopin – Nocturne op. 9 no 2|Debussy – Clair de lune|Satie – Gymnopédie no 1|Schumann –
Rêverie|Fauré – Après un rêve|Ravel – Pavane pour une infante défunte|Bizet – Habanera|Vivaldi –
Le Printemps|Haendel – Sarabande|Saint-Saëns – Le Cygne|Poulenc – Sonate pour flûte|Grieg –
Matin|Tchaïkovski – Valse des fleurs|Dvořák – Humoresque|Elgar – Salut d'amour|Massenet –
Méditation de Thaïs|Offenbach – Barcarolle|Gershwin – Summertime|Piazzolla – Libertango|Kosma
– Les Feuilles mortes|Lully – Marche pour la cérémonie des Turcs|Rameau – Tambourin|Couperin –
Les Barricades mystérieuses|Bartók – Danses roumaines|Prokofiev – Pierre et le loup (extrait)
|Schubert – Ständchen|Brahms – Danse hongroise no 5""".replace("\n", " ").split("|")
COMPOSERS_PIECES = [" ".join(piece.split()) for piece in COMPOSERS_PIECES]
EVENTS = [
    "Audition de classe",
    "Audition de fin d'année",
    "Concert des élèves",
    "Fête de la musique",
    "Concert de Noël",
    "Examen de fin de cycle",
    "Scène ouverte",
]
EVALUATION_TYPES = ["Contrôle Continu", "Examen", "Audition", "Évaluation de mi-année"]
CRITERIA = ["Note", "Appréciation", "Lecture", "Technique", "Interprétation"]
MENTIONS = ["Très bien", "Bien", "Assez bien", "Passable", ""]
APPRECIATIONS = [
    "Bon travail, continue ainsi.",
    "Des progrès réguliers.",
    "Travail irrégulier, attention à la lecture.",
    "Très belle musicalité.",
    "Doit travailler plus régulièrement à la maison.",
    "",
]
ABSENCE_KINDS = ["Maladie", "Raison familiale", "Sortie scolaire", "Non motivée", ""]
