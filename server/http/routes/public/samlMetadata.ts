import { Router } from 'express';
import { notFound } from '../../../domain/errors.js';
import { SAML_METADATA_PATH, type SamlServiceProvider } from '../../saml/samlServiceProvider.js';

/** Beacon's SAML SP metadata at a stable address (also its entity id), for the IdP admin to import. */
export function samlMetadataRoutes(sp: SamlServiceProvider | null): Router {
  const r = Router();
  r.get(SAML_METADATA_PATH, (_req, res) => {
    if (!sp) throw notFound('SAML metadata');
    res.type('application/samlmetadata+xml').send(sp.metadataXml());
  });
  return r;
}
