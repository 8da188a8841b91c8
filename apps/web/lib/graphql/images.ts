import { gql } from 'urql';
import { IMAGE_FIELDS } from './fragments';
import type { Image, ImageFilter, ImagePage, PageInput } from './types';

export interface ImagesData {
  images: ImagePage;
}

export interface ImagesVariables {
  filter: ImageFilter;
  page: PageInput;
}

export const IMAGES_QUERY = gql<ImagesData, ImagesVariables>`
  query Images($filter: ImageFilter, $page: PageInput) {
    images(filter: $filter, page: $page) {
      totalCount
      offset
      limit
      items {
        ...ImageFields
      }
    }
  }
  ${IMAGE_FIELDS}
`;

export interface RandomImageData {
  randomImage: Pick<Image, 'id'> | null;
}

export interface RandomImageVariables {
  datasetId: number | null;
}

export const RANDOM_IMAGE_QUERY = gql<RandomImageData, RandomImageVariables>`
  query RandomImage($datasetId: Int) {
    randomImage(datasetId: $datasetId) {
      id
    }
  }
`;
