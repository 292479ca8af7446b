/**
 * @simplewebauthn/server, loaded on the first passkey ceremony rather than at start-up: with its
 * X.509 and ASN.1 stack it is the heaviest library Beacon has (~250 ms to load here), and most
 * processes never need it (README, "Performance").
 */
export const webauthn = () => import('@simplewebauthn/server');
