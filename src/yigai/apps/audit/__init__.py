"""The audit app: an append-only, hash-chained log of security-relevant events (等保 8.1.4.3).

Other apps record events with one call: ``audit_record(actor=user, action="ledger.item.update", obj=item)``.
"""
