"""allauth's own messages that people see, listed so our catalogue translates them.

allauth ships Korean that reads like a machine ("올바르지 않은 코드.", "패스워드", "귀하의"). Django
prefers the project's catalogue (LOCALE_PATHS) over an app's, so the msgids below, translated in
locale/ko/accounts.json, replace allauth's wording wherever its forms and views use them. Nothing
imports this module: `makemessages` reads it.
"""

from django.utils.translation import gettext_noop

ALLAUTH_MESSAGES = (
    # account forms: labels
    gettext_noop("Password"),
    gettext_noop("Current Password"),
    gettext_noop("New Password"),
    gettext_noop("New Password (again)"),
    gettext_noop("Password (again)"),
    gettext_noop("Email"),
    gettext_noop("Email address"),
    gettext_noop("Remember Me"),
    gettext_noop("Code"),
    gettext_noop("Authenticator code"),
    # account forms and adapter: errors
    gettext_noop("The email address and/or password you specified are not correct."),
    gettext_noop("Too many failed login attempts. Try again later."),
    gettext_noop("Please type your current password."),
    gettext_noop("Incorrect password."),
    gettext_noop("Incorrect code."),
    gettext_noop("Invalid or expired key."),
    gettext_noop("Invalid login."),
    gettext_noop("The password reset token was invalid."),
    gettext_noop("You must type the same password each time."),
    gettext_noop("This account is currently inactive."),
    gettext_noop("The email address is not assigned to any user account."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("Your account has no password set up."),
    gettext_noop("Your account has no verified email address."),
    gettext_noop("You cannot activate two-factor authentication until you have verified your email address."),
    gettext_noop("You cannot add an email address to an account protected by two-factor authentication."),
    # reauthentication choices
    gettext_noop("Use your password"),
    gettext_noop("Use authenticator app or code"),
)
