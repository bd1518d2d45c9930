// Installing a package into an n8n user folder the way users do; see scripts/lib/installPackage.js
// for why 'pack' (what n8n's own installer does) is the default and when 'link' is enough.
export { installPackage } from '../../../scripts/lib/n8nRuntime';
export type { InstallMode, InstalledPackage } from '../../../scripts/lib/n8nRuntime';
