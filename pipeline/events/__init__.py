"""The events stage: mentions clustered into real-world events.

``keys`` declares what clustering reads of a mention and the rules it shares with the
warehouse lookup; ``cluster`` decides which mentions are one event; ``neighbours`` finds,
in SQL, the stored events a batch could join; ``assign`` plans a batch's events and sets
its mentions' event ids; ``event_row`` builds one event's row from its mentions.
"""
