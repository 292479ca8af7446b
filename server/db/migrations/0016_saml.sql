CREATE TABLE "saml_message_ids" (
	"kind" text NOT NULL,
	"id" text NOT NULL,
	"issued_at" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "saml_message_ids_kind_id_pk" PRIMARY KEY("kind","id")
);
--> statement-breakpoint
CREATE INDEX "saml_message_ids_expires_at_idx" ON "saml_message_ids" USING btree ("expires_at");
