// Public surface of agent/pkcs11: discovery, the token service over pkcs11js, and module reports for doctor.
export { discoverModules, discoverLocalModules, parseP11KitModule, DRIVER_CATALOG, MODULES_ENV, type ModuleCandidate, type PolicyModule, type DiscoveryOptions, type DiscoveryFs, type DriverCatalog, type CatalogVendor } from './catalog.js';
export { checkModulePath } from './loader.js';
export { createPkcs11TokenService, Pkcs11TokenService, type Pkcs11TokenServiceOptions } from './token-service.js';
export { reasonForCkr, toAgentError, pinStatusFromFlags } from './ckr.js';
export { defaultPkcs11Factory, type Pkcs11Api, type Pkcs11Factory } from './pkcs11-api.js';
