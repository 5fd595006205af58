import { SETTINGS, SETTING_NAMES, SettingSpec } from '../../config/settings';

export function describeSettings(): string {
  const lines = [
    'Settings (environment variables; GCAUDIT_CONFIG_FILE may set them in a JSON or YAML file; secrets also as <NAME>_FILE or <NAME>_SECRET_ARN):',
    '',
  ];
  for (const name of SETTING_NAMES) {
    const spec: SettingSpec = SETTINGS[name];
    lines.push(`${name}${spec.secret ? ' (secret)' : ''}${spec.default !== undefined ? ` = ${spec.default}` : ''}`);
    lines.push(`    ${spec.describe}`);
  }
  return `${lines.join('\n')}\n`;
}
