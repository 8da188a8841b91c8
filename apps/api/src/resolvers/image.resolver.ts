import { randomInt } from 'node:crypto';

import { Arg, Args, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';

import type { ApiContext } from '../context';
import { ApiError } from '../errors/api-error';
import { ApiErrorCode } from '../errors/error-code';
import { IdArgs } from '../inputs/id.args';
import { ImageFilter } from '../inputs/image-filter.input';
import { INPUT_DEFAULTS } from '../inputs/limits';
import { PageInput } from '../inputs/page.input';
import { RandomImageArgs } from '../inputs/random-image.args';
import type { DatasetRow } from '../db/dataset-cache';
import { pageSize, perItemCost } from '../plugins/query-cost';
import { Dataset } from '../types/dataset.type';
import { IMAGE_COLUMNS, Image, ImagePage } from '../types/image.type';
import { Split } from '../types/enums';
import type { ImageRoot, ImageRow } from '../types/rows';

/** Path of an image's PNG, served by the image route in http/image.route.ts. */
export function imageUrl(imageId: number): string {
  return `/images/${imageId}.png`;
}

@Resolver(() => Image)
export class ImageResolver {
  @Query(() => Image, { nullable: true })
  async image(@Args(() => IdArgs) { id }: IdArgs, @Ctx() context: ApiContext): Promise<ImageRow | null> {
    return context.db.image.findUnique({ where: { id }, select: IMAGE_COLUMNS });
  }

  @Query(() => ImagePage, { complexity: perItemCost(pageSize) })
  async images(
    @Arg('filter', () => ImageFilter, { nullable: true }) filter: ImageFilter | null | undefined,
    @Arg('page', () => PageInput, { nullable: true }) page: PageInput | null | undefined,
    @Ctx() context: ApiContext,
  ): Promise<{ items: ImageRow[]; totalCount: number; offset: number; limit: number }> {
    const offset = page?.offset ?? 0;
    const limit = page?.limit ?? INPUT_DEFAULTS.pageSize;
    await checkFilter(filter, context);
    const where = {
      ...(filter?.datasetId != null ? { datasetId: filter.datasetId } : {}),
      ...(filter?.split != null ? { split: filter.split } : {}),
      ...(filter?.label != null ? { label: filter.label } : {}),
    };
    // Ordering by the primary key makes pages stable: images are only ever appended.
    const [items, totalCount] = await Promise.all([
      context.db.image.findMany({ where, select: IMAGE_COLUMNS, orderBy: { id: 'asc' }, skip: offset, take: limit }),
      context.db.image.count({ where }),
    ]);
    return { items, totalCount, offset, limit };
  }

  @Query(() => Image, { nullable: true, description: 'A random image of a data set, for the neighbours view.' })
  async randomImage(
    @Args(() => RandomImageArgs) { datasetId }: RandomImageArgs,
    @Ctx() context: ApiContext,
  ): Promise<ImageRow | null> {
    if (datasetId != null) await context.loaders.dataset(datasetId);
    const where = datasetId != null ? { datasetId } : {};
    const count = await context.db.image.count({ where });
    if (count === 0) return null;
    // A uniform offset into the id order, so every image is equally likely even when the
    // ids have gaps. The skip walks the primary-key index, a few milliseconds for 60,000 rows.
    return context.db.image.findFirst({ where, select: IMAGE_COLUMNS, orderBy: { id: 'asc' }, skip: randomInt(count) });
  }

  @FieldResolver(() => Split)
  async split(@Root() image: ImageRoot, @Ctx() context: ApiContext): Promise<Split> {
    return (await fullImageRow(image, context)).split as Split;
  }

  @FieldResolver(() => Int, { description: 'Position of the image in its split of the source files.' })
  async indexInSplit(@Root() image: ImageRoot, @Ctx() context: ApiContext): Promise<number> {
    return (await fullImageRow(image, context)).indexInSplit;
  }

  @FieldResolver(() => Dataset)
  dataset(@Root() image: ImageRoot, @Ctx() context: ApiContext): Promise<DatasetRow> {
    return context.loaders.dataset(image.datasetId);
  }

  @FieldResolver(() => String)
  async labelName(@Root() image: ImageRoot, @Ctx() context: ApiContext): Promise<string> {
    const dataset = await context.loaders.dataset(image.datasetId);
    return dataset.classNames[image.label] ?? `class ${image.label}`;
  }

  @FieldResolver(() => String)
  url(@Root() image: ImageRoot): string {
    return imageUrl(image.id);
  }
}

/** Returns the root itself when it is a whole row, or loads the row (batched per request). */
async function fullImageRow(image: ImageRoot, context: ApiContext): Promise<ImageRow> {
  if ('split' in image) return image;
  const row = await context.loaders.images.load(image.id);
  if (!row) throw new Error(`Image ${image.id} was deleted while the request was running`);
  return row;
}

/**
 * Rejects a filter that can match nothing because it names an unknown data set or a label
 * past the data set's classes, so a typo is not mistaken for an empty result.
 */
async function checkFilter(filter: ImageFilter | null | undefined, context: ApiContext): Promise<void> {
  if (filter?.datasetId != null) {
    const dataset = await context.loaders.dataset(filter.datasetId);
    if (filter.label != null && filter.label >= dataset.classNames.length) {
      throw new ApiError(
        ApiErrorCode.BAD_USER_INPUT,
        `Label ${filter.label} is not a class of data set ${dataset.name}, whose labels are 0 to ${dataset.classNames.length - 1}.`,
        { label: filter.label, datasetId: dataset.id },
      );
    }
    return;
  }
  if (filter?.label != null) {
    const datasets = [...(await context.loaders.allDatasets()).values()];
    const classCount = Math.max(0, ...datasets.map((dataset) => dataset.classNames.length));
    if (filter.label >= classCount) {
      throw new ApiError(
        ApiErrorCode.BAD_USER_INPUT,
        classCount === 0
          ? `Label ${filter.label} matches no image: no data set is registered yet.`
          : `Label ${filter.label} is not a class of any data set; the largest label is ${classCount - 1}.`,
        { label: filter.label },
      );
    }
  }
}
