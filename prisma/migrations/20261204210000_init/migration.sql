-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "vector";

-- CreateEnum
CREATE TYPE "Split" AS ENUM ('train', 'test');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'embedding', 'completed', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "datasets" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "class_names" TEXT[],
    "height" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "channels" INTEGER NOT NULL,
    "source_path" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "datasets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "images" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "split" "Split" NOT NULL,
    "index_in_split" INTEGER NOT NULL,
    "label" INTEGER NOT NULL,
    "pixels" BYTEA NOT NULL,

    CONSTRAINT "images_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "training_runs" (
    "id" SERIAL NOT NULL,
    "dataset_id" INTEGER NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "config" JSONB NOT NULL,
    "preset" TEXT NOT NULL,
    "embedding_dim" INTEGER NOT NULL,
    "backend" TEXT,
    "progress" JSONB,
    "error" TEXT,
    "worker_id" TEXT,
    "heartbeat_at" TIMESTAMPTZ(3),
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "checkpoint_dir" TEXT,
    "embedding_count" INTEGER NOT NULL DEFAULT 0,
    "retrieval" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "training_runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "epoch_metrics" (
    "run_id" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "total_loss" DOUBLE PRECISION NOT NULL,
    "local_loss" DOUBLE PRECISION NOT NULL,
    "global_loss" DOUBLE PRECISION NOT NULL,
    "prior_loss" DOUBLE PRECISION NOT NULL,
    "discriminator_loss" DOUBLE PRECISION NOT NULL,
    "images_per_second" DOUBLE PRECISION NOT NULL,
    "duration_seconds" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "epoch_metrics_pkey" PRIMARY KEY ("run_id","epoch")
);

-- CreateTable
CREATE TABLE "checkpoints" (
    "id" SERIAL NOT NULL,
    "run_id" INTEGER NOT NULL,
    "epoch" INTEGER NOT NULL,
    "step" INTEGER NOT NULL,
    "path" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "embeddings" (
    "run_id" INTEGER NOT NULL,
    "image_id" INTEGER NOT NULL,
    "embedding" vector NOT NULL,

    CONSTRAINT "embeddings_pkey" PRIMARY KEY ("run_id","image_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "datasets_name_key" ON "datasets"("name");

-- CreateIndex
CREATE INDEX "images_dataset_id_split_label_idx" ON "images"("dataset_id", "split", "label");

-- CreateIndex
CREATE UNIQUE INDEX "images_dataset_id_split_index_in_split_key" ON "images"("dataset_id", "split", "index_in_split");

-- CreateIndex
CREATE INDEX "training_runs_status_created_at_idx" ON "training_runs"("status", "created_at");

-- CreateIndex
CREATE INDEX "checkpoints_run_id_idx" ON "checkpoints"("run_id");

-- AddForeignKey
ALTER TABLE "images" ADD CONSTRAINT "images_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "datasets"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "epoch_metrics" ADD CONSTRAINT "epoch_metrics_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "training_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "training_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "embeddings" ADD CONSTRAINT "embeddings_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "training_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "embeddings" ADD CONSTRAINT "embeddings_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "images"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Constraints Prisma cannot express. HNSW indexes on vector support at most 2,000 dimensions.
ALTER TABLE "datasets" ADD CONSTRAINT "datasets_shape_check" CHECK ("height" > 0 AND "width" > 0 AND "channels" > 0);
ALTER TABLE "images" ADD CONSTRAINT "images_index_in_split_check" CHECK ("index_in_split" >= 0);
ALTER TABLE "training_runs" ADD CONSTRAINT "training_runs_embedding_dim_check" CHECK ("embedding_dim" BETWEEN 1 AND 2000);

-- Documentation for people who query the tables in SQL.
COMMENT ON TABLE "datasets" IS 'A source data set (e.g. cifar10, fashion-mnist): class names and image shape. One row per name; both splits share it.';
COMMENT ON COLUMN "datasets"."id" IS 'Surrogate key.';
COMMENT ON COLUMN "datasets"."name" IS 'Unique data set name, e.g. cifar10.';
COMMENT ON COLUMN "datasets"."class_names" IS 'Class names in label order: class_names[label + 1] is the name of images.label (SQL arrays are 1-based).';
COMMENT ON COLUMN "datasets"."height" IS 'Image height in pixels.';
COMMENT ON COLUMN "datasets"."width" IS 'Image width in pixels.';
COMMENT ON COLUMN "datasets"."channels" IS 'Channels per pixel (3 for RGB).';
COMMENT ON COLUMN "datasets"."source_path" IS 'Folder or archive the images were read from; null when registered from memory.';
COMMENT ON COLUMN "datasets"."created_at" IS 'When the data set was registered.';

COMMENT ON TABLE "images" IS 'One image of a data set split, with its label and raw pixels.';
COMMENT ON COLUMN "images"."id" IS 'Surrogate key, referenced by embeddings.image_id.';
COMMENT ON COLUMN "images"."dataset_id" IS 'The data set (datasets.id).';
COMMENT ON COLUMN "images"."split" IS 'train or test.';
COMMENT ON COLUMN "images"."index_in_split" IS '0-based position of the image in its split, as in the source files.';
COMMENT ON COLUMN "images"."label" IS '0-based class index; the name is datasets.class_names[label + 1].';
COMMENT ON COLUMN "images"."pixels" IS 'height * width * channels uint8 values, row-major, channels last (HWC).';

COMMENT ON TABLE "training_runs" IS 'A DIM training run. Its embeddings are served only once status = completed.';
COMMENT ON COLUMN "training_runs"."id" IS 'Surrogate key, referenced by embeddings.run_id.';
COMMENT ON COLUMN "training_runs"."dataset_id" IS 'The data set trained on (datasets.id).';
COMMENT ON COLUMN "training_runs"."status" IS 'queued, running, embedding (writing embeddings), completed (embeddings visible), failed or cancelled.';
COMMENT ON COLUMN "training_runs"."config" IS 'Full trainer configuration as JSON (preset, epochs, batch size, learning rate, alpha, beta, gamma, ...).';
COMMENT ON COLUMN "training_runs"."preset" IS 'Name of the configuration preset the run started from.';
COMMENT ON COLUMN "training_runs"."embedding_dim" IS 'Length of every embedding of the run (1 to 2000).';
COMMENT ON COLUMN "training_runs"."backend" IS 'TensorFlow.js backend that trained the run, e.g. tensorflow or cpu.';
COMMENT ON COLUMN "training_runs"."progress" IS 'Latest progress snapshot written by the worker (epoch, step, losses, images/s, ETA).';
COMMENT ON COLUMN "training_runs"."error" IS 'Error message of a failed run.';
COMMENT ON COLUMN "training_runs"."worker_id" IS 'Worker that claimed the run (host:pid), for crash recovery.';
COMMENT ON COLUMN "training_runs"."heartbeat_at" IS 'Last heartbeat of the worker; a stale value means the worker died.';
COMMENT ON COLUMN "training_runs"."cancel_requested" IS 'Set by the API to ask the worker to stop the run.';
COMMENT ON COLUMN "training_runs"."checkpoint_dir" IS 'Folder with the run''s checkpoints.';
COMMENT ON COLUMN "training_runs"."embedding_count" IS 'Number of rows in embeddings for this run; set in the transaction that completes the run.';
COMMENT ON COLUMN "training_runs"."retrieval" IS 'Retrieval quality (kNN accuracy at k = 20 and 200, precision@10) as JSON; null until computed.';
COMMENT ON COLUMN "training_runs"."created_at" IS 'When the run was queued.';
COMMENT ON COLUMN "training_runs"."started_at" IS 'When a worker started training.';
COMMENT ON COLUMN "training_runs"."finished_at" IS 'When the run completed, failed or was cancelled.';

COMMENT ON TABLE "epoch_metrics" IS 'Mean losses and throughput of one finished epoch of a run.';
COMMENT ON COLUMN "epoch_metrics"."run_id" IS 'The run (training_runs.id).';
COMMENT ON COLUMN "epoch_metrics"."epoch" IS '1-based epoch number.';
COMMENT ON COLUMN "epoch_metrics"."total_loss" IS 'Mean total DIM loss of the epoch (local + global + prior terms, weighted).';
COMMENT ON COLUMN "epoch_metrics"."local_loss" IS 'Mean local mutual-information loss.';
COMMENT ON COLUMN "epoch_metrics"."global_loss" IS 'Mean global mutual-information loss.';
COMMENT ON COLUMN "epoch_metrics"."prior_loss" IS 'Mean prior-matching loss of the encoder.';
COMMENT ON COLUMN "epoch_metrics"."discriminator_loss" IS 'Mean loss of the prior discriminator.';
COMMENT ON COLUMN "epoch_metrics"."images_per_second" IS 'Training throughput of the epoch.';
COMMENT ON COLUMN "epoch_metrics"."duration_seconds" IS 'Wall-clock duration of the epoch.';
COMMENT ON COLUMN "epoch_metrics"."created_at" IS 'When the epoch finished.';

COMMENT ON TABLE "checkpoints" IS 'A model checkpoint written during a run.';
COMMENT ON COLUMN "checkpoints"."id" IS 'Surrogate key.';
COMMENT ON COLUMN "checkpoints"."run_id" IS 'The run (training_runs.id).';
COMMENT ON COLUMN "checkpoints"."epoch" IS 'Epoch the checkpoint was written in.';
COMMENT ON COLUMN "checkpoints"."step" IS 'Global optimizer step at the checkpoint.';
COMMENT ON COLUMN "checkpoints"."path" IS 'File or folder of the checkpoint on the worker.';
COMMENT ON COLUMN "checkpoints"."created_at" IS 'When the checkpoint was written.';

COMMENT ON TABLE "embeddings" IS 'The embedding of one image under one run. Each run has a partial HNSW index embeddings_run_<run_id>_hnsw on (embedding::vector(embedding_dim)) WHERE run_id = <run_id>; to use it, write the same cast and a literal run_id.';
COMMENT ON COLUMN "embeddings"."run_id" IS 'The run (training_runs.id) that produced the vector.';
COMMENT ON COLUMN "embeddings"."image_id" IS 'The image (images.id).';
COMMENT ON COLUMN "embeddings"."embedding" IS 'pgvector vector of training_runs.embedding_dim float32 values, finite and not all zero.';
