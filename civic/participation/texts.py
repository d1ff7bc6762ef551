"""``N_`` marks a service message for the translation catalog without translating it: services
raise English messages (the API's language), and pages translate them where they are shown."""


def N_(message: str) -> str:
    return message
