"""三员分立: security and audit administrator roles; account expiry and password age; only the system
administrator may be a superuser (existing superusers of other roles lose the flag first)."""

from typing import Any

from django.db import migrations, models
from django.utils import timezone


def prepare(apps: Any, schema_editor: Any) -> None:
    User = apps.get_model("accounts", "User")
    User.objects.exclude(role="admin").filter(is_superuser=True).update(is_superuser=False)
    User.objects.filter(password_changed_at__isnull=True).update(password_changed_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='expires_on',
            field=models.DateField(blank=True, null=True, verbose_name='账号有效期至'),
        ),
        migrations.AddField(
            model_name='user',
            name='password_changed_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='密码修改时间'),
        ),
        migrations.AlterField(
            model_name='user',
            name='role',
            field=models.CharField(choices=[('admin', '系统管理员'), ('plan_owner', '方案管理员'), ('unit_reporter', '责任单位填报员'), ('reviewer', '审核员'), ('leader', '领导（只读）'), ('security_admin', '安全管理员'), ('audit_admin', '审计管理员')], default='leader', max_length=16, verbose_name='角色'),
        ),
        migrations.RunPython(prepare, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='user',
            constraint=models.CheckConstraint(condition=models.Q(('is_superuser', False), ('role', 'admin'), _connector='OR'), name='accounts_user_superuser_only_system_admin', violation_error_message='三员分立：只有系统管理员账号可以是超级用户'),
        ),
    ]
