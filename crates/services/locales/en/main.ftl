## Koine — English. Every key here must exist in ja, zh-CN and es (a test checks).

brand = Koine
tagline = Learn languages with real teachers.
skip-to-content = Skip to content
nav-home = Home
nav-profile = My profile
nav-settings = Settings
nav-staff = Staff console
nav-login = Log in
nav-signup = Sign up
nav-logout = Log out
nav-main = Main navigation
footer-privacy = Privacy notice
footer-language = Language
footer-change-language = Change
footer-copyright = Koine is open-source software.

## Home
home-title = Find your teacher. Speak with confidence.
home-lead = Koine connects learners with teachers of more than seventy languages, for one-to-one lessons online.
home-cta-signup = Create a free account
home-cta-login = I already have an account
home-feature-teachers-title = Real teachers
home-feature-teachers-body = Professional teachers and community tutors, each verified by our team.
home-feature-privacy-title = Your data, your choice
home-feature-privacy-body = You decide who sees each part of your profile. Our privacy notice is generated from the data we actually hold.
home-feature-anywhere-title = Learn anywhere
home-feature-anywhere-body = Works on your phone, tablet or computer, even without JavaScript.
home-welcome = Welcome back, { $name }!
home-signed-in-lead = Your learning space is being built. Meanwhile, complete your profile so teachers know you.
home-edit-profile = Edit my profile

## Sign up
signup-title = Create your account
signup-lead = Sign up with your email address or your mobile number — or both.
field-display-name = Display name
field-display-name-hint = Shown to teachers and other members.
field-email = Email address
field-phone = Mobile number
field-phone-hint = International format, for example +34 612 345 678.
field-password = Password
field-password-hint = At least 8 characters. Long passphrases are best; common passwords are refused.
field-birth-date = Date of birth
field-birth-date-hint = We ask to keep younger learners safe. It stays private unless you choose to show it.
field-time-zone = Time zone
field-time-zone-hint = Lesson times are shown in this zone. You can change it later.
signup-submit = Create account
signup-have-account = Already have an account?
signup-done-title = Check your messages
signup-done-body = If the details you gave can be used, we have sent a verification link by email or a code by text message. Follow it to activate your account.
signup-enter-code = I received a code by text message
signup-too-young-title = We're sorry
signup-too-young-body = You need to be at least { $age } years old to use Koine. Nothing you entered has been kept. Please come back when you are older — we'll be glad to see you!

## Verification
verify-email-title = Confirm your email address
verify-email-body = Press the button to confirm this email address for your Koine account.
verify-email-submit = Confirm email address
verify-done-title = Confirmed
verify-done-body = Thank you. Your contact details are confirmed and you can now log in.
verify-phone-title = Enter your code
verify-phone-body = We sent a six-digit code to your mobile number.
field-code = Code
verify-phone-submit = Confirm number
verify-bad-code = This link or code is invalid or has expired. Ask for a new one by signing in again.

## Log in
login-title = Log in
login-lead = Use the email address or mobile number you signed up with.
field-identifier = Email or mobile number
login-submit = Log in
login-forgot = Forgot your password?
login-no-account = New to Koine?
login-failed = The email, mobile number or password is not correct.
login-not-verified = Please confirm your email address or mobile number first. We have sent you a new link.
login-throttled = Too many attempts. Please wait { $minutes } minutes and try again.

## Password reset
forgot-title = Reset your password
forgot-lead = Enter the email address or mobile number of your account. We will email you a link, or text you a code, to choose a new password.
forgot-submit = Send reset link
forgot-done = If an account uses that address, a reset link is on its way. It is valid for one hour.
reset-title = Choose a new password
reset-submit = Save new password
reset-done = Your password has been changed and every session was signed out. You can log in now.
field-new-password = New password
field-current-password = Current password

## Re-authentication
reauth-title = Confirm it's you
reauth-lead = For your security, please enter your password again to continue.
reauth-submit = Continue

## Profile
profile-title = Profile
profile-native = Speaks
profile-learning = Learning
profile-about = About
profile-birth-date = Date of birth
profile-gender = Gender
profile-location = Location
profile-country = Country
profile-time-zone = Time zone
profile-no-bio = No introduction yet.
profile-edit = Edit profile
profile-avatar-alt = Profile picture of { $name }

## Profile editing
edit-title = Edit your profile
edit-saved = Your changes have been saved.
field-bio = About you
field-country = Country
field-country-none = Not specified
field-ui-locale = Interface language
field-gender = Gender
field-gender-none = Prefer not to say
field-location = City or region
field-visibility = Who can see this
visibility-public = Everyone
visibility-members = Members only
visibility-private = Only me
field-languages = Languages
field-languages-hint = Add the languages you speak natively and the ones you are learning, with your level.
field-language = Language
field-level = Level
language-none = — choose —
edit-submit = Save profile
avatar-title = Profile picture
avatar-hint = PNG, JPEG, WebP or GIF, up to 5 MB. We re-encode it and remove hidden data such as location.
avatar-upload = Upload picture
avatar-remove = Remove picture
field-avatar = Picture file

gender-female = Female
gender-male = Male
gender-non_binary = Non-binary
gender-other = Other

level-A1 = A1 · Beginner
level-A2 = A2 · Elementary
level-B1 = B1 · Intermediate
level-B2 = B2 · Upper intermediate
level-C1 = C1 · Advanced
level-C2 = C2 · Proficient
level-native = Native

## Settings
settings-title = Settings
settings-account = Account
settings-email = Email address
settings-phone = Mobile number
settings-verified = verified
settings-unverified = not verified yet
settings-none = none
settings-change-email = Change email address
settings-change-phone = Change mobile number
settings-change-email-done = We have sent a confirmation link to the new address. The change takes effect once you follow it.
settings-change-phone-done = We have sent a code to the new number. Enter it below to confirm.
settings-password = Password
settings-change-password = Change password
settings-end-others = Sign out all my other sessions
settings-password-changed = Your password has been changed.
settings-sessions = Active sessions
settings-sessions-lead = Devices currently signed in to your account. End any you don't recognise.
session-current = This device
session-started = Signed in
session-last-seen = Last active
session-end = End session
session-unknown-device = Unknown device
settings-minor-note = Your account is marked as belonging to a minor. Some features will need a parent or guardian's confirmation.
settings-language = Interface language
settings-language-save = Save language

## Staff
staff-title = Staff console
staff-members = Members
staff-search = Search by name or email
staff-search-submit = Search
staff-no-results = No members found.
staff-open = Open
staff-role = Role
staff-joined = Joined
staff-member-title = Member record
staff-reason = Reason for access (optional)
staff-reason-hint = Recorded in the audit log with your access.
staff-open-record = Open record
staff-audit = Access audit log
staff-audit-lead = Every time staff opened a member's personal data.
staff-audit-actor = Staff member
staff-audit-subject = Member
staff-audit-action = Action
staff-audit-when = When
staff-audit-reason = Reason
staff-access-notice = Opening this record is recorded in the audit log.

## Privacy notice
privacy-title = Privacy notice
privacy-lead = This notice is generated from Koine's data map — the same map that drives export, erasure and retention — so it always matches what we actually store.
privacy-category = What
privacy-purposes = Why
privacy-basis = Legal basis
privacy-retention = How long
privacy-unconfirmed = Sign-ups that are never confirmed are deleted, with everything linked to them, { $days } days after they were made.
privacy-generated = Generated from data map version { $version }.
purpose-provide_service = To provide the service you asked for
purpose-security = To keep accounts secure and prevent abuse
purpose-service_messages = To send messages the service needs
purpose-profile = To show your profile as you choose
purpose-legal_compliance = To meet legal obligations and keep staff accountable
purpose-operations = To keep the system running
basis-consent = Your consent (GDPR Art. 6(1)(a))
basis-contract = Performing our contract with you (Art. 6(1)(b))
basis-legal_obligation = A legal obligation (Art. 6(1)(c))
basis-vital_interests = Vital interests (Art. 6(1)(d))
basis-public_task = A public task (Art. 6(1)(e))
basis-legitimate_interests = Our legitimate interests (Art. 6(1)(f))
retention-account_lifetime = As long as you have an account
retention-until_instant = Until it expires
retention-days_after = { $days } days
retention-years_after = { $years } years, as the law requires
retention-system = As long as the system needs it

## Errors
error-title = Something went wrong
error-not-found = We couldn't find that page.
error-forbidden = You don't have access to this page.
error-internal = Something went wrong on our side. Please try again.
error-csrf = Your form expired. Please go back, reload the page and try again.
error-invalid-email = Enter a valid email address.
error-invalid-phone = Enter a mobile number in international format, starting with +.
error-invalid-identifier = Enter your email address or a mobile number starting with +.
error-email-or-phone-required = Enter an email address or a mobile number.
error-password-too-short = Your password must have at least 8 characters.
error-password-too-long = Your password can have at most 128 characters.
error-password-too-guessable = This password is too common or easy to guess. Try a longer passphrase.
error-wrong-password = The password is not correct.
error-invalid-date = Enter a date as year-month-day.
error-implausible-birth-date = Enter your real date of birth.
error-required = This field is required.
error-too-long = This text is too long.
error-too-many = Too many entries.
error-invalid-characters = This contains characters that are not allowed.
error-control-characters = This contains characters that are not allowed.
error-invalid-choice = Choose one of the options.
error-invalid-time-zone = Choose a valid time zone.
error-duplicate-language = Each language can appear only once.
error-not-an-image = This file is not a supported image.
error-file-too-large = This file is larger than 5 MB.
error-email-taken = This email address is already used by another account.
error-phone-taken = This mobile number is already used by another account.
error-unknown-field = The form was incomplete or contained unexpected fields.
error-bad-request = This request could not be understood. Please go back and try again.
error-form-summary = Please correct the highlighted fields.

## Messages we send
mail-greeting = Hello { $name },
mail-verify-subject = Confirm your email address for Koine
mail-verify-body = Welcome to Koine!
    
    Please confirm your email address by opening this link:
    { $url }
    
    The link is valid for 48 hours. If you did not sign up, ignore this message.
mail-exists-subject = Someone tried to sign up with your address
mail-exists-body = Someone (perhaps you) tried to create a Koine account with this address, which already has an account.
    
    If it was you, just log in. If you forgot your password, you can reset it here:
    { $url }
    
    If it wasn't you, you can ignore this message; your account is unchanged.
mail-reset-subject = Reset your Koine password
mail-reset-body = We received a request to reset your password. Choose a new one here:
    { $url }
    
    The link is valid for one hour. If you did not ask for this, ignore this message — your password stays the same.
mail-password-changed-subject = Your Koine password was changed
mail-password-changed-body = The password of your Koine account was just changed. If this wasn't you, reset your password right away and contact support.
mail-email-change-subject = Your Koine email address is being changed
mail-email-change-body = Someone signed in to your account asked to change its email address. If this wasn't you, change your password right away and contact support.
sms-code = Your Koine code is { $code }. It expires in 15 minutes.
sms-exists = Someone tried to sign up to Koine with this number, which already has an account. If it was you, just log in.

## Privacy notice: what each table holds, and data categories
table-accounts = Your account: how you sign in and how we reach you
table-subject-keys = Your personal encryption key, itself encrypted
table-profiles = Your profile, shown to others as you choose
table-profile-languages = Languages you speak or learn
table-sessions = Devices signed in to your account
table-one-time-codes = Codes and links we send to verify you or reset your password
table-outbox = Emails and text messages we send you (content removed once delivered)
table-legal-holds = Legal holds that keep your data for a legal claim
table-consent-events = Your consent choices and their history
table-visitor-consent-events = Cookie choices of visitors who are not signed in
table-data-exports = Copies of your data you asked for
table-audit-events = Records of staff opening your personal data
category-system-operations = Technical records
category-user-account-username = Display name
category-user-account-settings = Account and interface settings
category-user-authorization-credentials = Password and secret tokens (stored only as hashes)
category-user-contact-email = Email address
category-user-contact-phone_number = Mobile number
category-user-contact-address-city = Location you chose to share
category-user-contact-address-country = Country
category-user-demographic-date_of_birth = Date of birth and age status
category-user-demographic-gender = Gender
category-user-demographic-language = Languages and levels
category-user-content-public = Profile texts you write
category-user-content-self_image = Profile picture
category-user-content-message = Messages we send you
category-user-device-ip_address = IP address
category-user-device-device_type = Browser and device description
category-user-behavior-session = Sign-in sessions and their activity times
category-user-unique_id = Internal identifiers
category-user-legal-hold = Legal holds and their reasons
category-user-privacy_preferences = Consent choices and privacy signals
category-user-privacy_request = Your data-protection requests and exports
category-user-security-audit = Records of staff access to your data
category-user-security-encryption_key = Your personal encryption key (wrapped)

## Staff roles and audit actions
role-admin = Administrator
role-support = Support
role-trust_safety = Trust & safety
role-finance = Finance
role-privacy_officer = Privacy officer
audit-action-view_member = Opened a member record
audit-action-search_members = Searched the member directory
category-user-contact = Email address or mobile number
sms-number-in-use = Someone tried to add this number to another Koine account. Nothing has changed; if it was not you, you can ignore this message.
forgot-code-sent = If an account uses that number, we have texted it a six-digit code. Enter it with your new password. The code is valid for 15 minutes.
sms-reset-code = Your Koine password reset code is { $code }. It expires in 15 minutes. If you did not ask for it, ignore this message.

## Account deletion
delete-title = Delete your account
delete-teaser = Permanently delete your account and the personal data we hold about you.
delete-continue = Continue to account deletion
delete-lead = Deleting your account is permanent and cannot be undone.
delete-what-goes-title = What is deleted
delete-what-goes = Your account, profile, picture, languages, sign-in sessions, codes, messages and consent history are deleted, and your personal encryption key is destroyed, so the fields it protected can no longer be read.
delete-what-stays-title = What stays, and for how long
delete-sign-up-again = You can sign up again later with the same email address; that will be a new account with no link to this one.
delete-confirm = I understand that this cannot be undone
delete-confirm-needed = Tick the box to confirm that you want to delete your account.
delete-submit = Delete my account
delete-done = Your account has been deleted. We have sent a confirmation to your email address.
mail-deleted-subject = Your Koine account has been deleted
mail-deleted-body = As you asked, your Koine account and the personal data linked to it have been deleted. Records we must keep by law are kept only for the required period, without your name. Thank you for learning with us.

## Legal holds
hold-title = Legal holds
hold-none = No legal hold.
hold-active = Active
hold-lifted = Lifted
hold-reason = Reason (required; recorded in the audit log)
hold-place = Place a legal hold
hold-lift = Lift
hold-placed = The legal hold is in place. The member's data will not be erased or swept until it is lifted.
hold-lifted-done = The legal hold has been lifted.
hold-reason-needed = A legal hold needs a reason.
delete-held = Your account can't be deleted right now because we must keep your data for a legal claim. Please contact support to learn more.
audit-action-place_legal_hold = Placed a legal hold
audit-action-lift_legal_hold = Lifted a legal hold

## Privacy choices and consent
footer-privacy-choices = Your Privacy Choices
privacy-choices-title = Your privacy choices
privacy-choices-lead = Choose what you allow beyond what the service strictly needs. Nothing here is on unless you turn it on, and using these choices never changes prices or features.
privacy-choices-save = Save choices
privacy-choices-saved = Your choices have been saved.
privacy-choices-gpc = Your browser sends a Global Privacy Control signal. We treat it as a request not to sell or share your data and not to personalise recommendations.
privacy-choices-history = History of your choices
privacy-choices-purpose = Purpose
privacy-choices-choice = Choice
privacy-choices-source = How
consent-preference_cookies = Remember my preferences with cookies
consent-analytics = Anonymous usage analytics
consent-marketing_email = News and offers by email
consent-personalised_recommendations = Personalised teacher recommendations
consent-sale_sharing = Sale or sharing of my data with third parties
consent-research_recordings = Use of lesson recordings for research
consent-classroom_recording = Recording of my classroom sessions
consent-granted = Given
consent-withdrawn = Withdrawn
consent-source-sign_up = At sign-up
consent-source-settings = In settings
consent-source-banner = Cookie banner
consent-source-gpc = Global Privacy Control
consent-source-dnt = Do Not Track
consent-source-api = Through the API
hold-lift-reason = Reason for lifting (required)
privacy-choices-dnt = Your browser sends a Do Not Track signal. We treat it as an objection to analytics.

## Access report
my-data-title = Your data
my-data-lead = Everything Koine holds about you, why, on which legal basis and for how long, read from the same data map that drives deletion and retention.
my-data-records = { $count } records
my-data-staff-title = When our staff looked at your data
my-data-staff-none = No staff member has opened your data.
my-data-teaser = See what we hold about you and when our staff looked at it.
my-data-open = See your data

export-title = Download a copy of your data
export-lead = We put everything we hold about you into a ZIP file: machine-readable JSON (one file per kind of data, described in schema.json) and CSV copies for spreadsheets. It is ready within minutes; we email you when it is. You can download it for 7 days, after entering your password again.
export-request = Prepare my export
export-requested = Asked for on { $when }
export-expires = Ready; available until { $when }
export-download = Download the ZIP file
export-pending = Being prepared. Refresh this page in a moment.
export-readme = This is a copy of the personal data Koine holds about you.

    data/*.json  one file per kind of data, machine-readable
    data/*.csv   the same rows, for spreadsheets
    schema.json  what each file and column means, why we hold it, on which legal basis and for how long
    files/       your uploads, such as your profile picture

    Other people appear only by a pseudonym, never by their private details.
    Questions: see the privacy notice on the Koine site you use.
mail-export-ready-subject = Your Koine data export is ready
mail-export-ready-body = The copy of your data you asked for is ready. Sign in and open Settings, then "Your data", to download it within 7 days. If you did not ask for it, change your password.

table-processing-restrictions = Times you restricted our use of your data
consent-source-objection = Your objection
error-conflict = That conflicts with the current state. Reload the page and try again.
objection-title = Object to a use of your data
objection-lead = You can object at any time. We stop at once, and for direct marketing without exception.
objection-marketing_email = Stop all marketing email
objection-personalised_recommendations = Stop personalised recommendations (profiling)
objection-analytics = Stop analytics about my use
restriction-title = Restrict processing
restriction-lead = While processing is restricted, we keep your data but use it only to store it and for legal claims: your profile is hidden, and there is no marketing, analytics or personalisation. You can still sign in and lift the restriction here. Use this, for example, while you contest the accuracy of your data.
restriction-reason = Why (optional)
restriction-submit = Restrict processing of my data
restriction-active = Processing of your data has been restricted since { $when }. Your profile is hidden and your data is only stored.
restriction-lift = Lift the restriction

footer-cookies = Cookies
banner-title = Your choice about cookies and your data
banner-text = We use only the cookies needed to run Koine unless you allow more: preference and analytics cookies, personalised recommendations, marketing and sharing. Your choice changes no price or feature, and you can change it any time from "Cookies" at the bottom of every page.
banner-accept = Accept all
banner-reject = Reject all
banner-choose = Choose
cookies-title = Cookies and privacy choices
cookies-lead = Choose what Koine may do beyond what is strictly needed. Withdrawing is as easy as agreeing, and your choice changes no price or feature. "Do not sell or share my personal information" means leaving sharing unticked.
cookies-choose = What you allow
cookies-necessary = Always on, because Koine cannot work without them: the sign-in and security cookies, and the cookie that remembers this choice.
cookies-save = Save my choices

table-privacy-requests = Data-protection requests you made through our form
category-user-name = Your name, as you gave it in a request
category-user-content-request = What you wrote in a request to us
footer-request = Make a privacy request
request-title = Make a privacy request
request-lead = Anyone can use this form, with or without an account, and parents or guardians can ask on behalf of a child. We confirm your email address first, then answer within one month (or 45 days for California residents) and tell you at every step. Members can also do most of this themselves under Settings.
request-kind = What you ask for
request-kind-access = A copy of the data you hold about me
request-kind-export = My data in a machine-readable file
request-kind-rectification = Correct data about me
request-kind-erasure = Delete my data
request-kind-restriction = Restrict the processing of my data
request-kind-objection = Object to a use of my data
request-kind-opt_out_sale = Do not sell or share my personal information
request-kind-child_erasure = Delete my child's data
request-relation = Who the data is about
request-relation-self = Me
request-relation-parent = My child (I am a parent or guardian)
request-relation-agent = Someone I represent
request-regime = Where you live
request-regime-gdpr = European Union, EEA, United Kingdom or elsewhere
request-regime-ccpa = California
request-name = Your name
request-details = Details that help us find the data (for a child: their name and email or phone)
request-submit = Send the request
request-sent = Thank you. If the address is right, you will receive an email with a link to confirm the request. We start once it is confirmed.
request-verify-title = Confirm your request
request-verify-lead = Confirm that you made this privacy request.
request-verify-submit = Confirm the request
request-verified = Your request is confirmed. We have emailed you the date by which we will answer.
mail-request-subject = Your privacy request to Koine
mail-request-verify-body = We received a privacy request made with this email address. To confirm it, open this link: { $url } If you did not make it, ignore this email and nothing will happen.
mail-request-received-body = Your request ({ $kind }) is confirmed. We will answer by { $date } at the latest.
mail-request-extended-body = We need more time to answer your request, so we have extended the deadline to { $date }. The reason: { $reason }
mail-request-completed-body = We have completed your request. { $outcome }
mail-request-rejected-body = We could not carry out your request. { $outcome } You may complain to a data-protection supervisory authority.
staff-requests-title = Privacy requests
staff-requests-none = No requests yet.
staff-requests-received = Received
staff-requests-due = Due
staff-requests-verified = Identity verified
staff-requests-status = Status
staff-requests-overdue = Overdue
staff-requests-yes = Yes
staff-requests-no = Not yet
staff-requests-account = Matching account
staff-requests-no-account = None found
staff-requests-extension = Reason for the extension
staff-requests-extend = Extend the deadline
staff-requests-close = Close the request
staff-requests-outcome = Outcome (sent to the requester)
staff-requests-complete = Completed
staff-requests-reject = Refused
request-status-unverified = Waiting for email confirmation
request-status-open = Open
request-status-extended = Open, deadline extended
request-status-completed = Completed
request-status-rejected = Refused
audit-action-view_privacy_request = Opened a privacy request about you

table-guardian-consents = Your parent or guardian's confirmation
guardian-title = Your parent or guardian
guardian-email = Their email address
guardian-ask = Ask them to confirm
guardian-asked = We have emailed your parent or guardian a link to confirm.
guardian-confirmed = Your parent or guardian confirmed on { $when }. You can use every feature.
guardian-confirm-title = Confirm as parent or guardian
guardian-confirm-lead = A Koine member under 18 named you as their parent or guardian. Confirm to let them message teachers and pay for lessons. You can ask us to delete their data at any time through the privacy request form.
guardian-confirm-submit = I am their parent or guardian and I agree
guardian-confirm-done = Thank you. Your confirmation is recorded.
mail-guardian-subject = Please confirm your child's Koine account
mail-guardian-body = { $name }, a Koine member under 18, asked you to confirm their account so they can message teachers and pay for lessons. If you are their parent or guardian and agree, open: { $url } If not, ignore this email; nothing changes.
mail-guardian-confirmed-subject = Your parent or guardian confirmed your account
mail-guardian-confirmed-body = Your parent or guardian has confirmed your Koine account. You can now use every feature.
underage-title = Below the minimum age
underage-lead = If this member is younger than the minimum age to use Koine, their account is deactivated and its data erased at once. The reason is recorded.
underage-reason = How you found out (recorded)
underage-submit = Deactivate and erase this account
underage-done = The account has been deactivated and its data erased.
underage-held = A legal hold keeps this account's data; lift it first.
underage-reason-needed = Say how you found out; the reason is recorded.
mail-deleted-underage-body = Your Koine account has been closed and its data deleted, because Koine may only be used from the minimum age. Records we must keep by law are kept only for the required period, without your name.
audit-action-erase_underage = Closed your account because of the minimum age

table-policy-versions = Versions of this notice
privacy-updated = Last updated { $when }
privacy-who = Who is responsible for your data
privacy-controller = Controller
privacy-contact = Contact
privacy-dpo = Data protection officer
privacy-storage = Where your data is stored
privacy-processors = Who processes data for us
privacy-processors-none = No one: this site processes your data itself.
privacy-processor = Processor
privacy-location = Location
privacy-transfer = Safeguard for transfers abroad
privacy-no-sale = We do not sell your personal information, and we share it with third parties only if you allow it.
privacy-rights = Your rights and how to use them
privacy-right-access = See and download your data (access, portability)
privacy-right-rectify = Correct your data
privacy-right-erase = Delete your account and data
privacy-right-restrict = Restrict processing, object, and manage consent
privacy-right-opt-out = Cookies and "Do not sell or share my personal information"
privacy-right-request = Ask us (also without an account, or for your child)
privacy-complain = You may complain to a supervisory authority:
privacy-children = Children
privacy-children-text = Koine may be used from the age of { $age }. Members under 18 need a parent or guardian's confirmation to message teachers and pay; parents can ask us to delete a child's data at any time.
privacy-cookies-text = Before you choose, we set only cookies strictly needed to run the site: sign-in, security (form protection) and the one that remembers your choice. Others need your consent, which you can withdraw at any time.
privacy-versions = Earlier versions
privacy-version-as-of = This notice as published on { $when }
privacy-version-current = See the current notice
privacy-kind = Kind of data
mail-policy-subject = Our privacy notice has changed
mail-policy-body = We updated the Koine privacy notice on { $date }. You can read what changed and all earlier versions at { $url }. Where we rely on your consent, we will ask you again before doing anything new.

table-breaches = Records of personal-data breaches
table-breach-notices = Security notices we sent you
category-user-security-breach = Records of personal-data breaches
error-in-future = This cannot be in the future.
breach-title = Breaches
breach-lead = Record every personal-data breach. The supervisory authority must hear within 72 hours of discovery; affected people are told without undue delay when the risk to them is high.
breach-what = What happened
breach-description = Description (sent to the people affected)
breach-discovered = Discovered
breach-categories = Kinds of data affected
breach-record = Record a breach
breach-reported = Reported to the authority
breach-report-due = Report due (72 hours)
breach-affected = People affected now (from the data map)
breach-report = Record the report to the authority
breach-reference = The authority's reference
breach-notify = Tell the people affected (email and in the app)
breach-notified = People told
breach-notice-title = Security notice
mail-breach-subject = Important: a security incident affecting your Koine data
mail-breach-body = We are writing to tell you about a security incident that affects your personal data: { $title }. { $description } If you have questions, reply to our privacy contact shown in the privacy notice.

records-title = Records of processing
records-lead = The records of processing activities (GDPR Art. 30), generated from the data map and the controller's configuration.
records-download = Download as JSON
records-controller = Controller
records-subjects = Data subjects
records-version = Policy version
records-storage = Storage location
records-recipients = Recipients (processors)
records-no-processors = No processors are configured: everything runs on the operator's own server.
records-tables = Where it is kept, and for how long
records-measures = Security measures

fraud-title = Close for fraud
fraud-lead = The account is closed and its data erased at once. Keyed hashes of its email address and phone number are kept for 5 years, so they cannot be used to sign up again; the reason is recorded.
fraud-reason = What the fraud was (recorded)
fraud-submit = Close the account and ban its identifiers
fraud-done = The account has been closed, its data erased and its identifiers banned.
fraud-held = A legal hold keeps this account's data; lift it first.
fraud-reason-needed = Say what the fraud was; the reason is recorded.
mail-deleted-fraud-body = Your Koine account has been closed because it was used for fraud, against our terms, and its data deleted. Your email address and phone number can no longer be used to open an account. Records we must keep by law are kept only for the required period. If you think this is a mistake, write to the privacy contact shown in our privacy notice.
mail-banned-subject = About your Koine sign-up
mail-banned-body = Someone tried to use this address for a Koine account. It cannot be used: an account with it was closed for fraud. If you think this is a mistake, write to the privacy contact shown in our privacy notice.
sms-banned = Koine: this number cannot be used for an account, because an account with it was closed for fraud.
audit-action-ban_fraud = Closed an account for fraud
table-fraud-bans = Keyed hashes of the identifiers of accounts closed for fraud
category-user-security-fraud_ban = Records that an account was closed for fraud, and why

settings-security-log = Recent security activity
settings-security-log-lead = Sign-ins and changes to how you sign in, newest first. We keep them 90 days; after 7 days only the network an address belongs to is kept, not the address itself.
security-event-signed_in = Signed in
security-event-sign_in_failed = Failed sign-in (wrong password)
security-event-reauth_failed = Wrong password when confirming it was you
security-event-password_changed = Password changed
security-event-password_reset = Password reset
security-event-email_confirmed = Email address confirmed
security-event-phone_confirmed = Phone number confirmed
table-security-events = Sign-ins and changes to how you sign in
category-user-device-ip_network = The network an IP address belongs to (the address cut short)
category-user-behavior-security_event = Sign-ins, failed sign-ins and changes to your password, email or phone

privacy-source = Where it comes from
source-subject = You
source-device = Your browser or device
source-service = Koine
source-staff = Koine staff
source-other_person = Your parent or guardian

disclosure-title = Disclosures to others
disclosure-lead = Record each time this member's data is given to someone outside Koine, such as an authority answering a court order. The member sees the record in "Your data".
disclosure-none = No disclosures recorded.
disclosure-kind = Recipient type
disclosure-recipient = Recipient
disclosure-categories = Data given
disclosure-reason = Why (legal basis or request reference; recorded)
disclosure-date = Date given
disclosure-submit = Record the disclosure
disclosure-recorded = The disclosure has been recorded; the member sees it in "Your data".
disclosure-invalid = Give the recipient, at least one kind of data, the reason and a date that is not in the future.
recipient-authority = Authority
recipient-processor = Service provider
recipient-other = Other
audit-action-record_disclosure = Recorded that your data was given to someone outside Koine
my-data-recipients-title = Who we share it with
my-data-recipients-members = Other members and visitors see your profile as you chose to show it.
my-data-recipients-profile-link = Choose what your profile shows
my-data-recipients-processors = These companies process data for us, under contract:
my-data-recipients-no-processors = No company processes your data for us: everything runs on our own server.
my-data-disclosures = Given to others outside Koine
my-data-disclosures-none = Your data has not been given to anyone outside Koine.
table-disclosures = Records of your data given to someone outside Koine
category-user-legal-disclosure = Records of your data given to someone outside Koine, such as an authority

correction-title = Corrections
correction-lead = Your date of birth decides which parts of Koine you can use, so you cannot change it yourself. If it is wrong, ask us to correct it: our privacy officer answers within a month and tells you by email.
correction-birth-date = Correct date of birth
correction-note = Anything we should know (optional)
correction-submit = Ask for a correction
correction-requested = Your request has been sent. We will email you when it has been handled.
correction-requested-title = Correction asked for
correction-apply = Apply the correction and close the request
correction-too-young = The corrected date of birth is below the minimum age: close the account instead ("Below the minimum age" on the member's page).
correction-field-birth_date = Date of birth
correction-applied-birth_date = We corrected your date of birth as you asked.
error-correction-needs-email = Add and confirm an email address first: we answer correction requests by email.
audit-action-apply_correction = Corrected your data as you asked

consent-again-title = Please review your privacy choices
consent-again-lead = Our privacy notice has changed in a way that affects what you agreed to, so those agreements are paused until you give them again. Nothing you refused has changed.
consent-again-link = Review your choices
consent-again-badge = You agreed before the change: tick again to keep it
