CREATE TABLE "incident_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"title" text,
	"message" text NOT NULL,
	"severity" integer,
	"status" text,
	"components" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"custom_tweet" text,
	"deliver_notifications" boolean DEFAULT true NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "postmortem_draft" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "postmortem_draft_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "postmortem_body" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "postmortem_body_updated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "postmortem_published_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "postmortem_notified_at" timestamp with time zone;
