"""Customer-document scans move to core attachments (ADR 0009): every stored file becomes an
``Attachment`` of kind "scan" pointing at the same file on disk (nothing is copied), with its type
sniffed from the content; a file that is not an allowed type keeps "application/octet-stream" and
is therefore only ever downloaded, never shown inline. Then the old column goes."""

from django.db import migrations


def scans_to_attachments(apps, schema_editor):
    from django.core.files.storage import default_storage

    from aftersales.core.attachments.sniffing import sniff

    CustomerDocument = apps.get_model("customers", "CustomerDocument")
    Attachment = apps.get_model("core", "Attachment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    parent_type, _ = ContentType.objects.get_or_create(app_label="customers", model="customerdocument")
    rows = []
    for doc in CustomerDocument.objects.exclude(file="").only("pk", "file", "title", "created_at").iterator():
        name = doc.file.name
        found, size = None, 0
        try:
            size = default_storage.size(name)
            with default_storage.open(name, "rb") as fh:
                found = sniff(fh, name)
        except OSError:
            pass  # the row survives even when its file went missing; the view then answers 404
        rows.append(Attachment(parent_type=parent_type, parent_id=doc.pk, kind="scan", title=doc.title[:200],
                               file=name, original_name=name.rsplit("/", 1)[-1][:200],
                               mime_type=found.mime if found else "application/octet-stream",
                               extension=found.extension if found else "", size=size, created_at=doc.created_at))
        if len(rows) >= 1000:
            Attachment.objects.bulk_create(rows)
            rows = []
    Attachment.objects.bulk_create(rows)


def attachments_to_scans(apps, schema_editor):
    CustomerDocument = apps.get_model("customers", "CustomerDocument")
    Attachment = apps.get_model("core", "Attachment")
    ContentType = apps.get_model("contenttypes", "ContentType")
    parent_type = ContentType.objects.filter(app_label="customers", model="customerdocument").first()
    if parent_type is None:
        return
    scans = Attachment.objects.filter(parent_type=parent_type).order_by("parent_id", "created_at", "id")
    for scan in scans.iterator():  # the latest scan wins, as the old single column held one file
        CustomerDocument.objects.filter(pk=scan.parent_id).update(file=scan.file.name)
    scans.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0004_attachments'),
        ('customers', '0003_keypart_labels'),
    ]

    operations = [
        migrations.RunPython(scans_to_attachments, attachments_to_scans),
        migrations.RemoveField(
            model_name='customerdocument',
            name='file',
        ),
    ]
