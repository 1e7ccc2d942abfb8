"""Parts for realistic UK public-sector names: organisations, service tasks, people, templates.

Only data lives here, so the generator reads as rules and this file can grow without noise.
Tasks map a thing to the verbs that make sense with it ("Renew" a parking permit, never
"Report" one). Councils, hospitals, surgeries, schools and others share their sector's tasks;
a central body has its own ("Apply for a passport" belongs to HM Passport Office), and police
and fire services differ. A service name is a verb and a thing, followed by its organisation
when the thing alone does not say who sends it.
"""

CITIES = (
    "Leeds", "Manchester", "Birmingham", "Bristol", "Sheffield", "Liverpool", "Newcastle",
    "Nottingham", "Leicester", "Coventry", "Bradford", "Wakefield", "Sunderland", "Derby",
    "Plymouth", "Southampton", "Portsmouth", "York", "Hull", "Stoke-on-Trent", "Wolverhampton",
    "Salford", "Oxford", "Cambridge", "Norwich", "Exeter", "Lancaster", "Preston", "Peterborough",
    "Worcester", "Gloucester", "Lincoln", "Winchester", "Chester", "Carlisle", "Durham",
)
COUNTIES = (
    "Kent", "Surrey", "Essex", "Hampshire", "Devon", "Lancashire", "Norfolk", "Suffolk",
    "Somerset", "Hertfordshire", "Oxfordshire", "Cambridgeshire", "Derbyshire", "Staffordshire",
    "Leicestershire", "Lincolnshire", "Nottinghamshire", "Warwickshire", "Worcestershire",
    "Gloucestershire", "West Sussex", "East Sussex", "North Yorkshire", "Cumbria",
)
BOROUGHS = (
    "Barnet", "Camden", "Croydon", "Ealing", "Enfield", "Greenwich", "Hackney", "Haringey",
    "Harrow", "Hounslow", "Islington", "Lambeth", "Lewisham", "Newham", "Southwark",
    "Tower Hamlets", "Wandsworth", "Bolton", "Bury", "Oldham", "Rochdale", "Stockport",
    "Tameside", "Wigan", "Knowsley", "Sefton", "Gateshead", "Barnsley", "Rotherham", "Dudley",
    "Sandwell", "Walsall", "Kirklees", "Calderdale", "Reading", "Swindon", "Milton Keynes",
)
DISTRICTS = (
    "Babergh", "Breckland", "Cherwell", "Cotswold", "Dacorum", "Eden", "Fenland", "Harborough",
    "Mendip", "Mid Devon", "North Kesteven", "Rushcliffe", "Selby", "South Hams", "Stroud",
    "Tewkesbury", "Uttlesford", "Wealden", "West Lindsey", "Wychavon",
)
UNITARY_COUNCILS = (
    "Cornwall Council", "Wiltshire Council", "Shropshire Council", "Northumberland County Council",
    "Cardiff Council", "City and County of Swansea", "Glasgow City Council",
    "City of Edinburgh Council", "Aberdeen City Council", "Dundee City Council",
    "The Highland Council", "Fife Council", "Belfast City Council", "Bath and North East Somerset",
    "Brighton and Hove City Council", "Isle of Wight Council", "Rutland County Council",
)

CENTRAL_ORGANISATIONS = (
    "Department for Work and Pensions", "HM Revenue and Customs", "Home Office",
    "Ministry of Justice", "Department for Education", "Cabinet Office",
    "Department for Transport", "Driver and Vehicle Licensing Agency",
    "Driver and Vehicle Standards Agency", "HM Passport Office", "UK Visas and Immigration",
    "Environment Agency", "HM Land Registry", "Companies House", "Student Loans Company",
    "Foreign, Commonwealth and Development Office", "Ministry of Defence",
    "Department of Health and Social Care", "Office of the Public Guardian",
    "HM Courts and Tribunals Service", "Legal Aid Agency", "Disclosure and Barring Service",
    "Intellectual Property Office", "Met Office", "Ofsted", "Charity Commission",
    "The Insolvency Service", "Rural Payments Agency", "Government Digital Service",
    "Valuation Office Agency", "Department for Business and Trade",
    "Criminal Injuries Compensation Authority",
    "Planning Inspectorate", "Animal and Plant Health Agency", "Maritime and Coastguard Agency",
)
NHS_CENTRAL_ORGANISATIONS = (
    "NHS England", "NHS Business Services Authority", "NHS Blood and Transplant",
    "UK Health Security Agency", "NHS Resolution", "NHS Digital", "Health Education England",
    "NHS Counter Fraud Authority", "NHS 111 Wales",
)
NHS_LOCAL_FIXED = (
    "NHS Greater Glasgow and Clyde", "NHS Lothian", "NHS Tayside", "NHS Grampian", "NHS Fife",
    "NHS Highland", "Betsi Cadwaladr University Health Board",
    "Cardiff and Vale University Health Board", "Swansea Bay University Health Board",
    "Belfast Health and Social Care Trust", "Guy's and St Thomas' NHS Foundation Trust",
    "Great Ormond Street Hospital for Children NHS Foundation Trust",
    "Moorfields Eye Hospital NHS Foundation Trust",
    "South Western Ambulance Service NHS Foundation Trust",
)
NHS_LOCAL_PATTERNS = (
    "{place} Teaching Hospitals NHS Trust", "{place} University Hospitals NHS Foundation Trust",
    "{place} Community Health NHS Trust", "NHS {place} Integrated Care Board",
)
GP_PATTERNS = (
    "{street} Surgery", "{place} Medical Centre", "The {street} Practice", "{place} Health Centre",
    "{street} Medical Practice",
)
STREETS = (
    "Church Street", "High Street", "Park Road", "Victoria Road", "Station Road", "Mill Lane",
    "Queens Road", "Elm Tree", "Riverside", "Beech House", "Oakwood", "Castle Street",
    "Market Place", "Willow Bank", "Abbey Road", "Hillside", "Meadowbank", "Kingsway",
)
EMERGENCY_FIXED = (
    "Metropolitan Police Service", "Police Scotland", "London Fire Brigade",
    "Scottish Fire and Rescue Service", "Police Service of Northern Ireland",
    "British Transport Police", "North West Fire Control",
)
EMERGENCY_PATTERNS = ("{county} Police", "{county} Fire and Rescue Service")
SCHOOL_PATTERNS = (
    "{place} College", "University of {place}", "{place} Sixth Form College", "{place} Academy",
    "{saint} Primary School, {place}", "{place} High School",
)
SAINTS = ("St Mary's", "St John's", "St Peter's", "St Anne's", "Holy Trinity", "St Joseph's")
OTHER_ORGANISATIONS = (
    "Citizens Advice", "Parliamentary and Health Service Ombudsman", "Social Work England",
    "Local Government and Social Care Ombudsman", "Canal and River Trust", "Historic England",
    "Arts Council England", "Financial Ombudsman Service", "Money and Pensions Service",
    "National Trust for Scotland", "Housing Ombudsman Service", "Electoral Commission",
)
OTHER_PATTERNS = ("{place} Housing Association", "{place} Community Trust")

#: Services Notify itself runs or tests with: no organisation and no type.
UNTYPED_SERVICES = (
    "GOV.UK Pay notifications", "Notify functional tests", "Digital Marketplace",
    "GOV.UK Forms", "Design System team", "Notify performance testing", "GOV.UK One Login",
    "Platform admin sandbox", "Notify research panel", "GOV.UK Verify",
)

TASKS = {
    "local": {
        "a parking permit": ("Apply for", "Renew", "Cancel"),
        "a blue badge": ("Apply for", "Renew"),
        "a pothole": ("Report",),
        "a missed bin collection": ("Report",),
        "fly-tipping": ("Report",),
        "a bulky waste collection": ("Book",),
        "your council tax": ("Pay", "Check"),
        "a council tax reduction": ("Apply for",),
        "housing benefit": ("Apply for",),
        "a garden waste subscription": ("Apply for", "Renew"),
        "a school place": ("Apply for",),
        "free school meals": ("Apply for",),
        "your library books": ("Renew",),
        "a household waste site visit": ("Book",),
        "a planning application": ("Submit", "Track", "Comment on"),
        "a street light fault": ("Report",),
        "your bin collection day": ("Check",),
        "a parking fine": ("Pay", "Challenge"),
        "a marriage ceremony": ("Book",),
        "a birth": ("Register",),
        "a death": ("Register",),
        "a noise nuisance": ("Report",),
        "a taxi licence": ("Apply for", "Renew"),
        "a housing repair": ("Report", "Track"),
        "an allotment": ("Apply for",),
        "your rent": ("Pay",),
        "an adult social care assessment": ("Request",),
        "a new wheelie bin": ("Order",),
        "to vote": ("Register",),
    },
    "nhs_local": {
        "your hospital appointment": ("Confirm", "Cancel", "Change"),
        "your test results": ("Get",),
        "a blood test": ("Book",),
        "your vaccination": ("Book",),
        "a maternity appointment": ("Book", "Change"),
        "a physiotherapy referral": ("Track",),
        "your outpatient appointment": ("Confirm",),
        "patient transport": ("Book",),
        "a mental health service": ("Refer yourself to",),
        "a flu vaccination": ("Book",),
    },
    "nhs_gp": {
        "a repeat prescription": ("Order",),
        "a GP appointment": ("Book", "Cancel"),
        "a flu jab": ("Book",),
        "your test results": ("Check",),
        "a GP surgery": ("Register with",),
        "an NHS Health Check": ("Book",),
        "a fit note": ("Request",),
    },
    "school_or_college": {
        "your child's absence": ("Report",),
        "school meals": ("Pay for",),
        "a parents' evening appointment": ("Book",),
        "a bursary": ("Apply for",),
        "a course": ("Enrol on",),
        "your exam results": ("Check",),
        "an open day place": ("Book",),
        "a student ID card": ("Request",),
    },
    "other": {
        "a complaint": ("Make", "Track"),
        "an ombudsman review": ("Request",),
        "a charity": ("Register",),
        "your social work registration": ("Renew",),
        "a housing application": ("Track",),
        "a community grant": ("Apply for",),
        "a consultation response": ("Submit",),
        "your membership": ("Renew",),
    },
}

FIRST_NAMES = (
    "Jo", "Sam", "Alex", "Priya", "Mohammed", "Olivia", "Amelia", "Isla", "Ava", "Jack", "Harry",
    "Oliver", "George", "Noah", "Charlie", "Sophie", "Emily", "Grace", "Chloe", "Ruby", "Aisha",
    "Fatima", "Zara", "Hannah", "Daniel", "James", "Thomas", "William", "Lucy", "Ellie", "Megan",
    "Rhys", "Dylan", "Cerys", "Siobhan", "Niamh", "Callum", "Fraser", "Eilidh", "Kwame", "Chidi",
    "Anika", "Ravi", "Wei", "Mei", "Tomasz", "Agnieszka", "Declan", "Bethan", "Gareth",
)
LAST_NAMES = (
    "Bloggs", "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson",
    "Thomas", "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White",
    "Edwards", "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Khan", "Begum",
    "Ahmed", "Singh", "Ali", "Jackson", "Wood", "Turner", "Martin", "Cooper", "Hill", "Ward",
    "Morris", "Moore", "Clark", "Lee", "King", "Baker", "Harrison", "Morgan", "Allen", "Campbell",
    "MacDonald", "O'Neill", "Okafor", "Nowak", "Chen",
)

NOTES = (
    "Agreed a higher SMS daily limit for winter peaks.",
    "Sends appointment reminders; volumes follow clinic days.",
    "Moved to new letter branding after rebrand.",
    "Service owner changed; contact details updated.",
    "Uses API integration through their case management system.",
)

#: Tasks of particular central and NHS bodies; bodies not listed use GENERIC_TASKS.
ORGANISATION_TASKS = {
    "Department for Work and Pensions": {
        "your State Pension": ("Check", "Claim"), "Universal Credit": ("Apply for",),
        "Carer's Allowance": ("Apply for",), "Pension Credit": ("Apply for",),
        "a National Insurance number": ("Apply for",),
    },
    "HM Revenue and Customs": {
        "your tax code": ("Check",), "your Self Assessment bill": ("Pay",),
        "a tax refund": ("Claim",), "Child Benefit": ("Claim",),
    },
    "Home Office": {"settled status": ("Apply for",), "a firearms licence appeal": ("Make",)},
    "UK Visas and Immigration": {
        "a visa": ("Apply for", "Track"), "a biometric residence permit": ("Replace",),
    },
    "HM Passport Office": {"a passport": ("Apply for", "Renew"), "a lost passport": ("Report",)},
    "Driver and Vehicle Licensing Agency": {
        "your driving licence": ("Renew", "Replace"), "your vehicle": ("Tax",),
        "a vehicle log book": ("Apply for",),
    },
    "Driver and Vehicle Standards Agency": {
        "a driving test": ("Book", "Change", "Cancel"), "your MOT history": ("Check",),
        "a vehicle recall": ("Check",),
    },
    "HM Courts and Tribunals Service": {
        "probate": ("Apply for",), "your court hearing": ("Check",),
        "a jury summons": ("Reply to",), "a divorce": ("Apply for",), "a money claim": ("Make",),
    },
    "Office of the Public Guardian": {"a lasting power of attorney": ("Make", "Register")},
    "Disclosure and Barring Service": {"a DBS check": ("Request", "Track")},
    "Student Loans Company": {"student finance": ("Apply for",), "your student loan": ("Repay",)},
    "Companies House": {
        "your company accounts": ("File",), "a confirmation statement": ("File",),
    },
    "Legal Aid Agency": {"legal aid": ("Apply for",)},
    "Environment Agency": {
        "a rod fishing licence": ("Buy",), "flood warnings": ("Sign up for",),
        "a pollution incident": ("Report",),
    },
    "Intellectual Property Office": {
        "a trade mark": ("Register", "Renew"), "a patent": ("Apply for",),
    },
    "Department for Business and Trade": {
        "an import licence": ("Apply for",), "an export licence": ("Apply for",),
    },
    "Rural Payments Agency": {"a rural payment": ("Claim",)},
    "Criminal Injuries Compensation Authority": {"a criminal injuries claim": ("Make", "Track")},
    "HM Land Registry": {
        "property fraud alerts": ("Sign up for",), "a property title": ("Search for",),
    },
    "Foreign, Commonwealth and Development Office": {
        "a document": ("Legalise",), "an emergency travel document": ("Apply for",),
    },
    "Department for Education": {
        "Tax-Free Childcare": ("Apply for",), "a teacher training place": ("Apply for",),
    },
    "Ministry of Justice": {"a prison visit": ("Book",)},
    "Ministry of Defence": {
        "a veteran ID card": ("Apply for",), "your armed forces pension": ("Check",),
    },
    "Met Office": {"severe weather warnings": ("Sign up for",)},
    "Charity Commission": {"a charity": ("Register",), "your charity's annual return": ("File",)},
    "The Insolvency Service": {"a redundancy payment": ("Claim",)},
    "Valuation Office Agency": {"your council tax band": ("Check", "Challenge")},
    "Ofsted": {"a childminder registration": ("Apply for",)},
    "Planning Inspectorate": {"a planning appeal": ("Make", "Track")},
    "Animal and Plant Health Agency": {"a notifiable animal disease": ("Report",)},
    "Maritime and Coastguard Agency": {"a seafarer's certificate": ("Renew",)},
    "Department of Health and Social Care": {"a COVID-19 test": ("Order",)},
    "Department for Transport": {"a road safety grant": ("Apply for",)},
    "Cabinet Office": {"a Civil Service job": ("Apply for",)},
    "Government Digital Service": {"GOV.UK email updates": ("Sign up for",)},
    "NHS England": {"a COVID-19 vaccination": ("Book", "Manage"), "your NHS number": ("Find",)},
    "NHS Business Services Authority": {
        "a prescription prepayment certificate": ("Buy", "Renew"),
        "help with health costs": ("Apply for",), "a medical exemption certificate": ("Apply for",),
        "your NHS Pension": ("Check",), "a Global Health Insurance Card": ("Apply for",),
    },
    "NHS Blood and Transplant": {
        "a blood donation appointment": ("Book", "Change"),
        "your organ donation decision": ("Register",),
    },
    "UK Health Security Agency": {"a COVID-19 test": ("Order",), "your test results": ("Get",)},
    "NHS Resolution": {"a clinical negligence claim": ("Track",)},
    "NHS Digital": {"your NHS number": ("Find",), "your data sharing choice": ("Change",)},
    "Health Education England": {
        "NHS Jobs alerts": ("Sign up for",), "a training post": ("Apply for",),
    },
    "NHS Counter Fraud Authority": {"NHS fraud": ("Report",)},
    "NHS 111 Wales": {"a call back": ("Request",)},
}

GENERIC_TASKS = {
    "a complaint": ("Make", "Track"),
    "your application": ("Track",),
    "an appointment": ("Book", "Change"),
    "a freedom of information request": ("Make",),
}

POLICE_TASKS = {
    "a crime": ("Report",),
    "your crime report": ("Track",),
    "a firearms licence": ("Apply for", "Renew"),
    "a road traffic collision": ("Report",),
    "a lost item": ("Report",),
    "a shotgun certificate": ("Renew",),
    "a non-emergency incident": ("Report",),
}
FIRE_TASKS = {
    "a home fire safety check": ("Request", "Book"),
    "a fire safety inspection": ("Book",),
    "a false alarm": ("Report",),
    "a smoke alarm fitting": ("Request",),
}

#: Added to a central body's task to tell its services apart ("Book a driving test – Wales").
QUALIFIERS = (
    "reminders", "confirmations", "Wales", "Scotland", "Northern Ireland", "payments",
    "appeals", "pilot", "staff", "updates",
)
