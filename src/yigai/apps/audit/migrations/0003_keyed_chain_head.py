"""The keyed chain (issue 13, finding 7): the head gains ``keyed_from`` and ``mac``. An existing chain keeps
its plain SHA-256 events (nothing is rewritten: the PostgreSQL trigger forbids it, and rehashing would
launder any earlier tampering); events from the next one on are keyed, and the head is signed now — which
needs the audit key (``YIGAI_AUDIT_KEY`` or ``keys/audit.key``; created outside production only)."""

from django.db import migrations, models


def sign_existing_head(apps, schema_editor):  # type: ignore[no-untyped-def]
    from yigai.apps.audit.head import audit_key, head_state

    Head = apps.get_model("audit", "AuditChainHead")
    from yigai.core.audit import canonical

    for head in Head.objects.using(schema_editor.connection.alias).filter(pk=1):
        head.keyed_from = head.seq + 1
        head.mac = audit_key().mac(canonical(head_state(head)))
        head.save(update_fields=["keyed_from", "mac"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_trigger")]

    operations = [
        migrations.AddField(
            model_name="auditchainhead", name="keyed_from", field=models.BigIntegerField(default=1)
        ),
        migrations.AddField(
            model_name="auditchainhead",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(sign_existing_head, migrations.RunPython.noop),
    ]
