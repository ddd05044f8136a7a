"""Mask personal data in call texts imported before imports masked it (knowledge.calls.privacy).

The same as `manage.py mask_call_records`, run once on deploy; idempotent, batched by primary key.
"""

from django.db import migrations


def mask_stored(apps, schema_editor):
    from knowledge.calls.privacy import mask

    CallRecord = apps.get_model("knowledge", "CallRecord")
    Topic = apps.get_model("knowledge", "Topic")
    last = 0
    while True:
        rows = list(
            CallRecord.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "inquiry", "resolution")[:2000]
        )
        if not rows:
            break
        last = rows[-1][0]
        changed = [
            CallRecord(pk=pk, inquiry=mask(inquiry), resolution=mask(resolution))
            for pk, inquiry, resolution in rows
            if mask(inquiry) != inquiry or mask(resolution) != resolution
        ]
        CallRecord.objects.bulk_update(changed, ["inquiry", "resolution"])
    for topic in Topic.objects.all().iterator(chunk_size=500):
        examples = [{**e, "text": mask(e.get("text", ""))} for e in topic.representative_inquiries]
        resolutions = [{**r, "text": mask(r.get("text", ""))} for r in topic.common_resolutions]
        if (mask(topic.label), examples, resolutions) != (
            topic.label,
            topic.representative_inquiries,
            topic.common_resolutions,
        ):
            topic.label = mask(topic.label)
            topic.representative_inquiries, topic.common_resolutions = examples, resolutions
            topic.save(update_fields=["label", "representative_inquiries", "common_resolutions"])


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0004_work_leases")]

    operations = [migrations.RunPython(mask_stored, migrations.RunPython.noop, elidable=True)]
