"""Carry the whole-table versions onto one version history per jurisdiction.

Each stored table that fits the entry schema becomes, for every jurisdiction it holds, a new
version of that jurisdiction when its entry changed from the table before (with who, when, why
and the row-level changes); a table that no longer fits (stored before the structured duty
fields) stays in the archive only. Only the newest version of each jurisdiction is published,
none of one the newest table dropped. Every recorded decision then points at the versions of
its jurisdiction's layers that were in force in the table it used.
"""

from django.db import migrations

from cases.content import diff  # pure, as in 0003
from cases.schemas import ContentInvalid
from safety.rule_table import check_table, layer_codes, normalised_entry

ROWS = {"rules": "id", "hotlines": None}
OPTIONAL_TEXT = ("reporter", "method", "deadline", "notes")


def forwards(apps, schema_editor):
    table_model = apps.get_model("safety", "RuleTableVersion")
    jurisdiction_model = apps.get_model("safety", "Jurisdiction")
    rule_model = apps.get_model("safety", "JurisdictionRule")
    record_model = apps.get_model("safety", "ReportingDecisionRecord")
    previous = {}  # code -> (document, stored version)
    in_force = {}  # table pk -> {code: jurisdiction pk}
    last_codes = set()
    for table in table_model.objects.order_by("version"):
        try:
            check_table(table.data)
        except ContentInvalid:
            continue
        current = {}
        for entry in table.data["jurisdictions"]:
            code, document = entry["code"], normalised_entry(entry)
            before = previous.get(code)
            if before is None or before[0] != document:
                row = jurisdiction_model.objects.create(
                    slug=code,
                    version=before[1].version + 1 if before else 1,
                    name=entry["name"],
                    country=entry["country"] or "",
                    notes=entry.get("notes") or "",
                    none_found=entry.get("none_found") or {},
                    hotlines=entry["hotlines"],
                    note=table.note,
                    created_at=table.created_at,
                    created_by_id=table.created_by_id,
                    shipped_version=table.data["version"] if table.created_by_id is None else None,
                    changes=diff(before[0] if before else None, document, ROWS),
                )
                rule_model.objects.bulk_create(
                    rule_model(
                        jurisdiction=row,
                        position=position,
                        rule_id=rule["id"],
                        **{k: v for k, v in rule.items() if k not in ("id", *OPTIONAL_TEXT)},
                        **{k: rule[k] or "" for k in OPTIONAL_TEXT},
                    )
                    for position, rule in enumerate(entry["rules"])
                )
                previous[code] = (document, row)
            current[code] = previous[code][1].pk
        in_force[table.pk] = current
        last_codes = set(current)
    newest = [stored.pk for code, (_doc, stored) in previous.items() if code in last_codes]
    jurisdiction_model.objects.exclude(pk__in=newest).update(published=False)
    for record in record_model.objects.select_related("case"):
        versions = in_force.get(record.rule_table_id, {})
        code = record.facts.get("jurisdiction") or record.case.jurisdiction
        record.rules.set([versions[layer] for layer in layer_codes(code) if layer in versions])


class Migration(migrations.Migration):
    dependencies = [("safety", "0004_jurisdiction_versions")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
