"""Attachments: photos, scans and documents on any record (ADR 0009, ADR 0010).

``models.Attachment`` points at its parent with a generic relation; ``services.attach`` accepts a
file only when its *content* is an allowed type (``sniffing``); ``views`` serves it only to users
who may see the parent, through ``core.files.private_file_response``.
"""
