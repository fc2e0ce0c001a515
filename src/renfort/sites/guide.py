"""The default guide of sanitary measures for a contact-center site (guide des bonnes
pratiques), as adapted by the federation in March 2020. Written for this project; each site
applies it with its own statuses and evidence (:mod:`renfort.sites.measures`).
"""

from __future__ import annotations

from renfort.sites.measures import Measure

GUIDE: tuple[Measure, ...] = (
    Measure("distance-postes", "Distanciation",
            "Distance entre postes occupés",
            "Au moins 1,5 m entre deux conseillers en poste ; les postes trop proches sont "
            "condamnés et signalés sur le plan affiché à l'entrée du plateau."),
    Measure("poste-libre-rangee", "Distanciation",
            "Un poste libre entre deux conseillers",
            "Dans les rangées, un poste sur deux reste inoccupé ; les postes condamnés sont "
            "matérialisés (chaise retirée ou ruban)."),
    Measure("vis-a-vis", "Distanciation",
            "Pas de face-à-face sans séparation",
            "Deux conseillers en vis-à-vis sont décalés d'un poste ou séparés par un écran "
            "de plexiglas d'au moins 1,5 m de haut."),
    Measure("nettoyage-postes", "Nettoyage",
            "Nettoyage du poste entre deux vacations",
            "Bureau, clavier, souris, téléphone et accoudoirs désinfectés entre deux "
            "occupants ; le poste reste libre pendant l'intervalle de nettoyage."),
    Measure("nettoyage-communs", "Nettoyage",
            "Désinfection renforcée des points de contact",
            "Poignées, boutons d'ascenseur, interrupteurs, machines à café et sanitaires "
            "désinfectés au moins trois fois par jour ; passages consignés sur une fiche."),
    Measure("aeration", "Aération",
            "Aération des locaux",
            "Ouverture des fenêtres dix minutes toutes les heures quand c'est possible ; à "
            "défaut, ventilation mécanique réglée au maximum d'air neuf, sans recyclage."),
    Measure("ventilation-controle", "Aération",
            "Contrôle de la ventilation",
            "Vérification des débits d'air neuf et des filtres par le mainteneur ; rapport "
            "tenu à disposition des représentants du personnel."),
    Measure("casques-individuels", "Équipements individuels",
            "Casques nominatifs",
            "Chaque conseiller reçoit son propre casque et ses bonnettes ; aucun casque n'est "
            "partagé ni laissé sur le poste."),
    Measure("masques", "Équipements individuels",
            "Masques",
            "Masques fournis par l'employeur et portés dans les circulations et les espaces "
            "partagés, et au poste quand la distance ne peut pas être tenue."),
    Measure("gel-hydroalcoolique", "Équipements individuels",
            "Gel hydroalcoolique",
            "Distributeurs à l'entrée du site, à l'entrée de chaque plateau, près des "
            "ascenseurs et des espaces de pause ; réassort vérifié chaque jour."),
    Measure("lingettes-poste", "Équipements individuels",
            "Lingettes désinfectantes au poste",
            "Chaque conseiller dispose de lingettes pour nettoyer son poste en arrivant et "
            "en partant."),
    Measure("horaires-decales", "Organisation du travail",
            "Horaires décalés",
            "Prises de poste et pauses échelonnées par quart d'heure pour éviter les "
            "croisements aux entrées, aux vestiaires et en salle de pause."),
    Measure("effectif-plafond", "Organisation du travail",
            "Plafond d'effectif par vacation",
            "Le nombre de conseillers présents ne dépasse jamais la capacité du site sous "
            "distanciation ; le planning est vérifié contre ce plafond."),
    Measure("teletravail-prioritaire", "Organisation du travail",
            "Télétravail prioritaire",
            "Tout conseiller équipé et formé dont le client accepte le travail à distance "
            "travaille depuis son domicile ; les personnes vulnérables en priorité."),
    Measure("sens-circulation", "Circulation",
            "Sens de circulation",
            "Parcours à sens unique fléché au sol dans les couloirs et entre les rangées ; "
            "entrée et sortie du bâtiment par des portes distinctes."),
    Measure("ascenseurs", "Circulation",
            "Ascenseurs limités",
            "Une personne par cabine (deux pour les grandes cabines) ; l'escalier est "
            "recommandé, sauf pour les personnes à mobilité réduite."),
    Measure("cantine", "Espaces communs",
            "Restauration",
            "Repas pris en décalé, une place sur deux à table, pas de face-à-face ; "
            "micro-ondes nettoyés après chaque usage ; plats à emporter encouragés."),
    Measure("salle-pause", "Espaces communs",
            "Salles de pause et fumoirs",
            "Nombre maximal de personnes affiché à l'entrée de chaque espace ; gobelets "
            "jetables ou tasses personnelles uniquement."),
    Measure("reunions", "Espaces communs",
            "Réunions et formations",
            "Réunions à distance par défaut ; en présentiel, salle dimensionnée pour "
            "quatre mètres carrés par personne."),
    Measure("symptomes-conduite", "Information",
            "Conduite à tenir en cas de symptômes",
            "Toute personne présentant des symptômes rentre chez elle et contacte son "
            "médecin ; procédure affichée, référent covid joignable sur le site."),
    Measure("affichage", "Information",
            "Affichage et information du personnel",
            "Gestes barrières, plan des postes utilisables et mesures en vigueur affichés à "
            "l'entrée et sur chaque plateau ; mise à jour datée à chaque changement."),
)
"""Twenty-one measures, in the order of the guide."""
