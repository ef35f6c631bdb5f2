import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [migrations.swappable_dependency(settings.AUTH_USER_MODEL)]

    operations = [
        migrations.CreateModel(
            name="Job",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40)),
                ("state", models.CharField(choices=[("queued", "排队中"), ("running", "处理中"), ("done", "已完成"), ("failed", "失败")], default="queued", max_length=10)),
                ("progress", models.PositiveSmallIntegerField(default=0)),
                ("message", models.TextField(blank=True)),
                ("file_name", models.CharField(blank=True, max_length=200)),
                ("params", models.JSONField(default=dict)),
                ("result_url", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("user", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ("-pk",)},
        ),
    ]
