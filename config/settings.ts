/**
 * The settings file: one YAML document validated by one zod schema (PRODUCT.md, Settings).
 * The pieces live in config/settings/: the schema, its shape (key paths, from the JSON
 * Schema), the environment overlay, the messages, the loader and the views. This module
 * keeps the one import path the rest of the code uses.
 */
export { envVarName, SETTINGS_FILE_ENV } from './settings/environment';
export { loadSettings, parseSettings, type LoadSettingsOptions, type SettingsFallback } from './settings/load';
export { SettingsError } from './settings/messages';
export {
  CONTRACTOR_CODE_PLACEHOLDERS,
  PRODUCT_MATCH_STEPS,
  SECRET_KEYS,
  SettingsSchema,
  type Settings,
  type SettingsInput,
} from './settings/schema';
export { settingsKeyPaths } from './settings/shape';
export { redactSettings, toImportPolicy, toPollerInput, toPollerSchedule } from './settings/views';
