"""Pages of the customer archive, one module per subject: ``customers`` (list, 360, contact data,
phones, addresses, incomplete archives), ``vehicles``, ``catalogue`` (vehicle models and their
terms) and ``documents``.  ``urls.py`` names each view by its module; nothing is re-exported here
(views are not an API other code calls, unlike ``services``)."""
