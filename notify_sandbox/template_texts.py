"""Template wording for generated services: (name, subject, content) per channel.

Texts with {thing} only suit services whose task has a countable thing ("a parking permit");
the generic ones suit any service. Placeholders in double brackets are Notify's own.
"""

THING_TEMPLATES = {
    "email": (
        (
            "{Thing} application received",
            "Your {thing} application ((reference))",
            "Dear ((name)),\n\nWe have received your application for {a_thing}.\n\n"
            "Your reference is ((reference)). We will decide within {days} working days.\n\n"
            "{sign_off}",
        ),
        (
            "{Thing} renewal reminder",
            "Your {thing} is due for renewal",
            "Dear ((name)),\n\nYour {thing} runs out on ((expiry date)). Renew it at ((link)) "
            "at least {days} days before then.\n\n{sign_off}",
        ),
        (
            "{Thing} decision",
            "Decision about your {thing} ((reference))",
            "Dear ((name)),\n\nWe have made a decision about your {thing}: ((decision)).\n\n"
            "If you disagree, reply within {days} working days.\n\n{sign_off}",
        ),
    ),
    "sms": (
        (
            "{Thing} reference number",
            None,
            "Your {thing} reference is ((reference)). We will contact you within {days} working "
            "days. {sign_off}",
        ),
    ),
    "letter": (
        (
            "{Thing} renewal letter",
            "Renew your {thing}",
            "Dear ((name)),\n\nYour {thing} runs out on ((expiry date)).\n\nTo renew it, go to "
            "((link)) or call us within {days} working days.\n\n{sign_off}",
        ),
        (
            "{Thing} decision letter",
            "Decision about your {thing}",
            "Dear ((name)),\n\nWe have decided ((decision)) about your {thing}.\n\nYou can ask us "
            "to look again within {days} working days.\n\n{sign_off}",
        ),
    ),
}

GENERIC_TEMPLATES = {
    "email": (
        (
            "Confirm your email address",
            "Confirm your email address",
            "Hi ((name)),\n\nUse this link to confirm your email address:\n\n((link))\n\n"
            "The link stops working after {days} hours.\n\n{sign_off}",
        ),
        (
            "Payment received",
            "We have received your payment",
            "Dear ((name)),\n\nThank you. We received your payment of ((amount)) on ((date)).\n\n"
            "Keep this email for {days} days as your receipt.\n\n{sign_off}",
        ),
        (
            "Appointment confirmation",
            "Your appointment on ((date))",
            "Dear ((name)),\n\nYour appointment is on ((date)) at ((time)), ((place)).\n\n"
            "Tell us at least {days} days before if you cannot come.\n\n{sign_off}",
        ),
        (
            "Reset your password",
            "Reset your password",
            "Hi ((name)),\n\nWe received a request to reset your password. Use this link within "
            "{days} hours:\n\n((link))\n\n{sign_off}",
        ),
    ),
    "sms": (
        (
            "Sign-in security code",
            None,
            "((code)) is your {sign_off} security code. It expires in {days} minutes.",
        ),
        (
            "Appointment reminder",
            None,
            "Reminder: your appointment is on ((date)) at ((time)). Reply CANCEL at least {days} "
            "days before if you cannot come. {sign_off}",
        ),
        (
            "Payment reminder",
            None,
            "You have ((amount)) to pay by ((date)). Pay at ((link)) within {days} days. "
            "{sign_off}",
        ),
    ),
    "letter": (
        (
            "Payment reminder letter",
            "You have a payment due",
            "Dear ((name)),\n\nOur records show ((amount)) is still to pay.\n\nPlease pay within "
            "{days} days at ((link)).\n\n{sign_off}",
        ),
        (
            "Change of address confirmation",
            "We have updated your address",
            "Dear ((name)),\n\nWe have changed your address to:\n\n((address))\n\nTell us within "
            "{days} days if this is wrong.\n\n{sign_off}",
        ),
    ),
}

#: Edits between versions: each version changes the time given and may add a closing line.
VERSION_DAYS = (10, 15, 5, 20, 7, 14, 30, 3)
VERSION_FOOTER = "\n\nDo not reply to this message. Contact us at ((contact details))."

#: The recorded sample's templates of "Apply for a parking permit", kept exactly.
PARKING_TEMPLATES = (
    (
        "ac811f94-0f66-419f-81be-27c4a00cc53e",
        "email",
        "Parking permit application received",
        "Your parking permit application ((reference))",
        "Dear ((name)),\n\nWe have received your application for a parking permit.\n\n"
        "Your reference is ((reference)). We will decide within 10 working days.\n\n"
        "Parking Services",
        1,
    ),
    (
        "c2ed4885-a7bf-4df0-9442-38f13a501439",
        "letter",
        "Permit renewal letter",
        "Renew your parking permit",
        "Dear ((name)),\n\nYour parking permit runs out on ((expiry date)).\n\n"
        "To renew it, go to ((link)).\n\nParking Services",
        2,
    ),
    (
        "9e9e5c79-5056-44e6-b82e-e50700edef34",
        "email",
        "Permit renewal reminder",
        "Your parking permit is due for renewal",
        "Dear ((name)),\n\nYour parking permit runs out on ((expiry date)). Renew it at "
        "((link)).\n\nParking Services",
        3,
    ),
    (
        "6d137042-3599-42dd-8b4d-c104c4821807",
        "sms",
        "Sign-in security code",
        None,
        "((code)) is your parking permit security code. It expires in 10 minutes.",
        1,
    ),
)
