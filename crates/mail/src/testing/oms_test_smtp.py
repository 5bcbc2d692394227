"""An aiosmtpd handler for the tests: stores each message, byte for byte, in a Maildir.

Recipients whose local part starts with "reject" are refused for good (550), those whose
local part starts with "defer" for now (451), so that tests can see both kinds of refusal.

    python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c oms_test_smtp.Handler MAILDIR
"""

import mailbox


class Handler:
    def __init__(self, mail_dir):
        self.mailbox = mailbox.Maildir(mail_dir, create=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("oms_test_smtp.Handler takes one argument: the Maildir")
        return cls(args[0])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject"):
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        if local.startswith("defer"):
            return "451 4.3.0 <%s>: try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        self.mailbox.add(content)
        return "250 Message accepted for delivery"
