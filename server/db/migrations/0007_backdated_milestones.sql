ALTER TABLE "incidents" ADD COLUMN "backdated_milestones" jsonb DEFAULT '{}'::jsonb NOT NULL;
