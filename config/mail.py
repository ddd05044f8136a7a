"""E-mail in the console, readable: the embedded mode's default (EMAIL_URL unset or consolemail://).

Django's console backend prints the MIME message as sent, so Korean subjects arrive as
`=?utf-8?b?...?=` and bodies as base64. This one prints what a person would read: the headers
decoded, the text body, and the names of any HTML part and attachments.
"""

from __future__ import annotations

from django.core.mail.backends.console import EmailBackend as ConsoleBackend


class ReadableConsoleBackend(ConsoleBackend):
    def write_message(self, message):
        lines = [
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
        ]
        if message.cc:
            lines.append(f"Cc: {', '.join(message.cc)}")
        if message.reply_to:
            lines.append(f"Reply-To: {', '.join(message.reply_to)}")
        lines += [f"Subject: {message.subject}", "", str(message.body).rstrip()]
        for _content, mimetype in getattr(message, "alternatives", []):
            lines.append(f"[+ {mimetype} version]")
        for attachment in message.attachments:
            name = attachment[0] if isinstance(attachment, tuple) else attachment.get_filename()
            lines.append(f"[attachment: {name}]")
        self.stream.write("\n".join(lines) + "\n" + "-" * 79 + "\n")
