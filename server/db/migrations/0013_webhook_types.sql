ALTER TABLE "webhook_endpoints" ADD COLUMN "type" text DEFAULT 'generic' NOT NULL;
