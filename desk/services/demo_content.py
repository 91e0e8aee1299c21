"""The words of the demo desk: teams, people, help topics, and what callers say."""

from __future__ import annotations

from desk.domain.model import Priority, Role

TEAMS = [
    ("Service Desk", "First line: phones, walk-ins, the shared inbox."),
    ("System Administrators", "Servers, directory, email platform, backups."),
    ("Network", "WAN, VPN, Wi-Fi, firewalls."),
    ("Applications", "ERP, CRM, mobile banking and line-of-business apps."),
    ("Facilities", "Desks, badges, printers and meeting rooms."),
]

# login, name, role, teams
AGENTS = [
    ("alex.morgan", "Alex Morgan", Role.SUPERVISOR, ["Service Desk"]),
    ("priya.shah", "Priya Shah", Role.AGENT, ["Service Desk"]),
    ("tom.becker", "Tom Becker", Role.AGENT, ["Service Desk"]),
    ("maria.lopez", "María López", Role.AGENT, ["Service Desk", "Facilities"]),
    ("kwame.mensah", "Kwame Mensah", Role.AGENT, ["Service Desk"]),
    ("dana.wright", "Dana Wright", Role.SUPERVISOR, ["System Administrators", "Network"]),
    ("chen.wei", "Chen Wei", Role.AGENT, ["System Administrators"]),
    ("oskar.nilsson", "Oskar Nilsson", Role.AGENT, ["System Administrators"]),
    ("fatima.haddad", "Fatima Haddad", Role.AGENT, ["Network"]),
    ("liam.oconnor", "Liam O'Connor", Role.AGENT, ["Network"]),
    ("sofia.rossi", "Sofia Rossi", Role.AGENT, ["Applications"]),
    ("james.okafor", "James Okafor", Role.AGENT, ["Applications", "Facilities"]),
]
ADMIN = ("admin", "Desk Administrator")

# (parent, child, team, default priority, [(subject, description), ...], resolution notes)
TOPICS: list[tuple[str, str, str, Priority, list[tuple[str, str]], list[str]]] = [
    (
        "Accounts & Access",
        "Password reset",
        "Service Desk",
        Priority.NORMAL,
        [
            (
                "Locked out of Windows after password change",
                "I changed my password yesterday and now Windows says my account is locked.",
            ),
            (
                "Password expired while on leave",
                "Back from two weeks of leave and my password has expired, I can't sign in anywhere.",
            ),
            (
                "Cannot reset password from the self-service page",
                "The reset page says my security answers are wrong but they are not.",
            ),
        ],
        [
            "Unlocked the account in AD and set a temporary password; user changed it at the desk.",
            "Reset the password and re-registered the self-service questions with the caller.",
        ],
    ),
    (
        "Accounts & Access",
        "MFA and sign-in",
        "Service Desk",
        Priority.HIGH,
        [
            (
                "New phone, authenticator codes no longer work",
                "I got a new phone over the weekend and the authenticator app is empty.",
            ),
            (
                "Sign-in loop on the staff portal",
                "The portal keeps sending me back to the sign-in page after I approve the prompt.",
            ),
            (
                "MFA prompts I did not start",
                "I keep getting approval requests on my phone that I did not trigger. I denied them.",
            ),
        ],
        [
            "Cleared the old MFA methods; user re-enrolled the new phone while on the call.",
            "Revoked sessions, reset the password and enrolled a hardware key. Reported to security.",
        ],
    ),
    (
        "Accounts & Access",
        "New starter access",
        "Service Desk",
        Priority.NORMAL,
        [
            (
                "Access for new starter in Finance on Monday",
                "Please set up accounts, email and ERP access for our new analyst starting Monday.",
            ),
            (
                "New starter cannot open the shared drive",
                "Our new team member gets 'access denied' on the Finance share.",
            ),
        ],
        [
            "Account, mailbox and ERP role created; welcome pack sent to the line manager.",
            "Added the user to the Finance share group; access works after signing out and in.",
        ],
    ),
    (
        "Email & Collaboration",
        "Outlook",
        "Service Desk",
        Priority.NORMAL,
        [
            (
                "Outlook keeps asking for my password",
                "Since this morning Outlook pops up a password box every few minutes.",
            ),
            (
                "Emails stuck in the outbox",
                "Messages with attachments stay in the outbox and never send.",
            ),
            (
                "Calendar invites show the wrong time",
                "Meetings from the Singapore office show up an hour off in my calendar.",
            ),
            ("Mailbox full warning", "Outlook says my mailbox is full and I cannot send anything."),
        ],
        [
            "Removed stale credentials from Credential Manager and rebuilt the Outlook profile.",
            "Attachment was over the 25 MB limit; shared it through OneDrive instead.",
            "Enabled online archive and moved mail older than two years.",
        ],
    ),
    (
        "Email & Collaboration",
        "Teams and meetings",
        "Service Desk",
        Priority.NORMAL,
        [
            (
                "No sound in Teams calls",
                "People can't hear me in Teams calls but the headset works in other apps.",
            ),
            ("Cannot share screen in Teams", "The share button is greyed out in every meeting."),
        ],
        [
            "Teams was using the laptop microphone; set the headset as the default device.",
            "Updated Teams and granted screen recording permission.",
        ],
    ),
    (
        "Email & Collaboration",
        "Shared mailbox",
        "System Administrators",
        Priority.NORMAL,
        [
            (
                "Need access to the accounts payable mailbox",
                "Please give me send-as rights on the AP shared mailbox.",
            ),
            (
                "Shared mailbox disappeared from Outlook",
                "The HR shared mailbox is gone from my folder list since yesterday.",
            ),
        ],
        [
            "Granted full access and send-as; mailbox appears after restarting Outlook.",
            "Auto-mapping was removed by a permission change; re-added the mailbox.",
        ],
    ),
    (
        "Hardware",
        "Laptop",
        "Service Desk",
        Priority.NORMAL,
        [
            (
                "Laptop will not turn on",
                "My laptop does not power on at all, no lights when I plug it in.",
            ),
            (
                "Laptop very slow since update",
                "Since last week's update the laptop takes ten minutes to start.",
            ),
            (
                "Cracked laptop screen",
                "I dropped my laptop and the screen is cracked across the middle.",
            ),
            (
                "Docking station not detecting monitors",
                "When I dock, neither of my two monitors comes on.",
            ),
        ],
        [
            "Swapped the faulty power adapter from stock.",
            "Updated the dock firmware and display drivers; both monitors detected.",
            "Issued a loan laptop and sent the damaged unit for repair under warranty.",
        ],
    ),
    (
        "Hardware",
        "Printer",
        "Facilities",
        Priority.LOW,
        [
            (
                "Printer on 3rd floor keeps jamming",
                "The big printer by the kitchen on the 3rd floor jams on every job.",
            ),
            (
                "Cannot find the printer after office move",
                "Since we moved desks my laptop doesn't show the floor printer.",
            ),
            ("Printer toner low", "The colour printer in reception says toner low on all colours."),
        ],
        [
            "Cleared a torn sheet from the fuser; vendor visit booked for a roller replacement.",
            "Added the printer by its new queue name and set it as default.",
            "Replaced the toner cartridges.",
        ],
    ),
    (
        "Hardware",
        "Phone and headset",
        "Service Desk",
        Priority.NORMAL,
        [
            (
                "Desk phone shows 'no service'",
                "My desk phone has said no service since the weekend.",
            ),
            (
                "Headset microphone not working",
                "My wireless headset charges but the mic doesn't pick anything up.",
            ),
        ],
        [
            "Re-patched the phone port after the weekend cabling work.",
            "Re-paired the headset with its dongle and updated its firmware.",
        ],
    ),
    (
        "Network",
        "VPN",
        "Network",
        Priority.HIGH,
        [
            (
                "VPN disconnects every 10 minutes",
                "Working from home, the VPN drops every ten minutes or so and I lose my session.",
            ),
            (
                "VPN client says certificate expired",
                "The VPN client refuses to connect and says the certificate has expired.",
            ),
            (
                "Cannot reach file shares over VPN",
                "VPN connects fine but I cannot open any of the network drives.",
            ),
        ],
        [
            "Home router was dropping idle UDP sessions; switched the client to TCP 443.",
            "Renewed the machine certificate and re-deployed the VPN profile.",
            "Split-tunnel routes were missing for the new file server subnet; pushed the update.",
        ],
    ),
    (
        "Network",
        "Wi-Fi",
        "Network",
        Priority.NORMAL,
        [
            (
                "Wi-Fi drops in meeting room 4B",
                "The Wi-Fi keeps dropping in 4B during video calls.",
            ),
            (
                "Guest Wi-Fi for visitors tomorrow",
                "We have six visitors tomorrow who will need guest Wi-Fi.",
            ),
        ],
        [
            "Access point in 4B had failed over to a neighbour; replaced it.",
            "Created guest vouchers and sent them to the host.",
        ],
    ),
    (
        "Network",
        "Internet outage",
        "Network",
        Priority.URGENT,
        [
            (
                "No internet on the whole 2nd floor",
                "Nobody on the 2nd floor has internet since about 9:40.",
            ),
            (
                "Branch office offline",
                "The Leeds branch has lost all connectivity, card terminals included.",
            ),
        ],
        [
            "Floor switch had rebooted into a default config; restored from backup.",
            "Carrier fault on the branch line; failed over to 4G backup, carrier repaired the line.",
        ],
    ),
    (
        "Applications",
        "ERP",
        "Applications",
        Priority.HIGH,
        [
            (
                "ERP error when posting invoices",
                "Posting an invoice gives 'period closed' even though the period is open.",
            ),
            (
                "ERP report takes forever",
                "The month-end stock report has been running for an hour.",
            ),
            (
                "Need ERP approval role",
                "I have been made budget holder and need the approval role in ERP.",
            ),
        ],
        [
            "Period was open in the ledger but not in the sub-ledger; opened it with Finance's OK.",
            "Report was missing a date filter; gave the user the filtered variant.",
            "Approval role granted after sign-off from the budget owner.",
        ],
    ),
    (
        "Applications",
        "Mobile banking app",
        "Applications",
        Priority.URGENT,
        [
            (
                "Mobile banking app outage",
                "Customers are calling to say the mobile banking app will not log in.",
            ),
            (
                "Mobile app crashes on payment screen",
                "The app closes as soon as a customer opens the payments screen.",
            ),
        ],
        [
            "Expired API gateway certificate renewed; logins recovered.",
            "Hotfix release pushed to the stores; crash rate back to normal.",
        ],
    ),
    (
        "Applications",
        "CRM",
        "Applications",
        Priority.NORMAL,
        [
            (
                "CRM contacts missing after import",
                "About half of the contacts from yesterday's import are missing.",
            ),
            (
                "CRM keeps logging me out",
                "The CRM logs me out every few minutes while I'm typing notes.",
            ),
        ],
        [
            "Import had rejected rows with duplicate emails; re-imported the cleaned file.",
            "Session timeout was set too low by the last update; restored the 8-hour setting.",
        ],
    ),
    (
        "Servers & Storage",
        "File share",
        "System Administrators",
        Priority.NORMAL,
        [
            (
                "Deleted a folder on the shared drive by mistake",
                "I deleted the 'Contracts 2025' folder on the shared drive this morning.",
            ),
            ("Shared drive full", "The Marketing share says there is no space left."),
        ],
        [
            "Restored the folder from last night's snapshot.",
            "Extended the volume by 200 GB and set a quota alert.",
        ],
    ),
    (
        "Facilities",
        "Badge access",
        "Facilities",
        Priority.NORMAL,
        [
            (
                "Badge doesn't open the car park gate",
                "My badge works on the doors but not on the car park gate.",
            ),
            (
                "Lost my access badge",
                "I lost my badge on the train; please block it and issue a new one.",
            ),
        ],
        [
            "Added the car park zone to the badge profile.",
            "Blocked the lost badge and printed a replacement at reception.",
        ],
    ),
]

AGENT_REPLIES = [
    "Hi {first}, thanks for getting in touch. I'm looking into this now and will update you shortly.",
    "Hi {first}, could you restart the device and let me know if the problem is still there?",
    "Thanks {first}. Could you send a screenshot of the error message, please?",
    "Hi {first}, I've made a change on our side. Could you try again and tell me how it goes?",
    "Thanks for your patience, {first}. We've found the cause and are working on a fix.",
    "Hi {first}, when would be a good time for me to connect remotely and take a look?",
]
NOTES = [
    "Checked the logs: nothing obvious on our side, asked the user for a screenshot.",
    "Same symptom reported by two others on the same floor; keeping an eye on it.",
    "User confirmed it started after Tuesday's update.",
    "Vendor case opened, reference VND-{n}.",
    "Remote session done; issue reproduced.",
    "Needs second-line access; escalating.",
]
PENDING_REASONS = [
    "Waiting for the user to try again after the change.",
    "Waiting on the vendor.",
    "Waiting for the user to send a screenshot.",
    "Waiting for the line manager's approval.",
]
CUSTOMER_FOLLOWUPS = [
    "Tried that, still happening I'm afraid.",
    "Here is the screenshot you asked for.",
    "Yes, that worked, thank you!",
    "It's fine now, thanks for the quick help.",
    "Any news on this? It's blocking my work.",
]

FIRST_NAMES = [
    "Olivia",
    "Noah",
    "Amelia",
    "Oliver",
    "Isla",
    "George",
    "Ava",
    "Arthur",
    "Mia",
    "Leo",
    "Grace",
    "Harry",
    "Freya",
    "Jack",
    "Lily",
    "Muhammad",
    "Sophia",
    "Theo",
    "Emily",
    "Oscar",
    "Aisha",
    "Mateo",
    "Hannah",
    "Ethan",
    "Zara",
    "Lucas",
    "Chloe",
    "Samuel",
    "Ella",
    "Daniel",
    "Ines",
    "Yuki",
    "Ravi",
    "Anya",
    "Kofi",
    "Elena",
    "Jonas",
    "Maya",
    "Finn",
    "Nadia",
]
LAST_NAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Nowak",
    "Fischer",
    "García",
    "Kowalski",
    "Ahmed",
    "Murphy",
    "Kelly",
    "Singh",
    "Ito",
    "Novak",
    "Hughes",
    "Edwards",
    "Lewis",
    "Harris",
]
# organisation (department or client), email domain, phone pattern (x: a random digit;
# fictional ranges: 555-01xx in North America, Ofcom's drama numbers in the UK)
ORGANISATIONS = [
    ("Finance", "northwind-bank.com", "+1 212 555 01xx"),
    ("Retail Banking", "northwind-bank.com", "+1 212 555 01xx"),
    ("Human Resources", "northwind-bank.com", "+1 646 555 01xx"),
    ("Marketing", "northwind-bank.com", "+1 646 555 01xx"),
    ("Legal", "northwind-bank.com", "+1 917 555 01xx"),
    ("Operations", "northwind-bank.com", "+1 917 555 01xx"),
    ("Leeds Branch", "northwind-bank.co.uk", "+44 113 496 0xxx"),
    ("London Office", "northwind-bank.co.uk", "+44 20 7946 0xxx"),
    ("Contoso Ltd", "contoso.com", "+1 415 555 01xx"),
    ("Fabrikam Inc", "fabrikam.com", "+1 312 555 01xx"),
]
