export { type ConsultationPass, ConsultationPasses } from './consultation-passes.ts';
export { currentPrincipal, type PersonAccessSource } from './current-principal.ts';
export { createGuards, type Guards, principalOf } from './guard.ts';
export { loadOrCreateSecret } from './secret.ts';
export { type Principal, TokenService, type TokenServiceOptions } from './tokens.ts';
