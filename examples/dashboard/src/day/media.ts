/**
 * @module The Media Library half of the demo day: Dave (member) uploads and renames, and trips over
 * what members may not do; Carol (developer) organises: moves, tags, metadata, sharing, public
 * links, versions and collections.
 */
import { carol, dave } from './cast.ts';
import type { Session } from './session.ts';

/** Ids of the files the later scenes work on. */
export interface MediaIds {
  red: string;
  navy: string;
  tote: string;
  summerSale: string;
  winter: string;
  /** The seeded extra product shots. */
  extras: string[];
}

/** A tiny but real payload: the bytes of a 1×1 GIF, base64. */
const PIXEL = 'R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==';

const PHOTO_NAMES = ['sneaker', 'boot', 'sandal', 'loafer', 'clog', 'slipper', 'mule', 'oxford'];

async function upload(
  session: Session,
  folder: string,
  fileName: string,
  extra: object = {},
): Promise<string> {
  const body = { folder, fileName, ...extra };
  const file = await session.as(dave, { method: 'POST', path: '/v1/media/files', body, expect: 201 });
  return file.id;
}

/** Dave uploads the season's pictures, renames one, and is refused what members may not do. */
export async function mediaUploads(session: Session): Promise<MediaIds> {
  const { as, random } = session;
  const ids: MediaIds = {
    red: await upload(session, '/products/shoes', 'red.jpg', {
      contentBase64: PIXEL,
      mimeType: 'image/jpeg',
    }),
    navy: await upload(session, '/products/shoes', 'blue.jpg', {
      contentBase64: PIXEL,
      mimeType: 'image/jpeg',
    }),
    tote: await upload(session, '/products/bags', 'tote.png', { size: 48_213, mimeType: 'image/png' }),
    summerSale: await upload(session, '/marketing/banners', 'summer-sale.jpg', { size: 312_004 }),
    winter: await upload(session, '/marketing/banners', 'winter.jpg', { size: 298_100 }),
    extras: [],
  };
  // A seeded number of extra product shots, so different seeds give days of different shapes.
  const extra = random.int(2, 5);
  for (let i = 0; i < extra; i++) {
    const name = `${PHOTO_NAMES[i]}-${random.int(100, 999)}.jpg`;
    const size = random.int(20_000, 400_000);
    ids.extras.push(await upload(session, '/products/shoes', name, { size, mimeType: 'image/jpeg' }));
  }
  const duplicate = { folder: '/products/shoes', fileName: 'red.jpg', contentBase64: PIXEL };
  await as(dave, { method: 'POST', path: '/v1/media/files', body: duplicate, expect: 409 });
  await as(dave, {
    method: 'POST',
    path: `/v1/media/files/${ids.navy}/rename`,
    body: { name: 'navy.jpg' },
    expect: 200,
  });
  await as(dave, {
    method: 'POST',
    path: `/v1/media/files/${ids.tote}/move`,
    body: { folder: '/products/accessories' },
    expect: 403,
  });
  const traversal = { folder: '/products', fileName: '../etc/passwd', size: 1 };
  await as(dave, { method: 'POST', path: '/v1/media/files', body: traversal, expect: 400 });
  await as(dave, {
    method: 'POST',
    path: '/v1/media/files/file_missing/rename',
    body: { name: 'x.jpg' },
    expect: 404,
  });
  await as(dave, { method: 'GET', path: '/v1/media/files?folder=/products/shoes', expect: 200 });
  return ids;
}

/** Carol organises the library: move, tags, metadata, sharing and a short-lived public link. */
export async function mediaOrganising({ as, random }: Session, ids: MediaIds): Promise<void> {
  const file = (id: string, rest = '') => `/v1/media/files/${id}${rest}`;
  for (const id of ids.extras) {
    const tags = [
      'shoes',
      random.pick(['summer', 'winter', 'sale', 'new']),
      random.pick(['men', 'women', 'kids']),
    ];
    await as(carol, { method: 'PUT', path: file(id, '/tags'), body: { tags }, expect: 200 });
  }
  await as(carol, {
    method: 'POST',
    path: file(ids.tote, '/move'),
    body: { folder: '/products/accessories' },
    expect: 200,
  });
  await as(carol, {
    method: 'PUT',
    path: file(ids.red, '/tags'),
    body: { tags: ['shoes', 'red', 'summer'] },
    expect: 200,
  });
  await as(carol, {
    method: 'PATCH',
    path: file(ids.red, '/metadata'),
    body: { metadata: { altText: 'Red running shoe, side view', campaign: 'summer-2026', featured: true } },
    expect: 200,
  });
  await as(carol, {
    method: 'POST',
    path: file(ids.red, '/shares'),
    body: { userIds: ['usr_bob', 'usr_dave'], permission: 'view' },
    expect: 200,
  });
  await as(carol, { method: 'POST', path: file(ids.red, '/public-link'), expect: 201 });
  await as(carol, { method: 'POST', path: file(ids.red, '/public-link'), expect: 409 });
  await as(carol, { method: 'DELETE', path: file(ids.red, '/public-link'), expect: 200 });
  await as(carol, { method: 'DELETE', path: file(ids.winter), expect: 200 });
}

/** Carol iterates on the hero image's versions, then builds the summer collection. */
export async function mediaVersionsAndCollections({ as }: Session, ids: MediaIds): Promise<void> {
  const versions = `/v1/media/files/${ids.red}/versions`;
  const v2 = await as(carol, { method: 'POST', path: versions, body: { contentBase64: PIXEL }, expect: 201 });
  await as(carol, { method: 'POST', path: versions, body: { size: 51_200 }, expect: 201 });
  const { versions: all } = await as(carol, { method: 'GET', path: versions, expect: 200 });
  const v1 = all.find((v: { number: number }) => v.number === 1);
  await as(carol, { method: 'POST', path: `${versions}/${v1.id}/restore`, expect: 200 });
  await as(carol, { method: 'DELETE', path: `${versions}/${v2.id}`, expect: 200 });
  // Version 1 is current again: deleting it is refused.
  await as(carol, { method: 'DELETE', path: `${versions}/${v1.id}`, expect: 409 });

  const summer = await as(carol, {
    method: 'POST',
    path: '/v1/media/collections',
    body: { name: 'Summer 2026' },
    expect: 201,
  });
  const items = `/v1/media/collections/${summer.id}/items`;
  for (const fileId of [ids.red, ids.navy, ids.summerSale]) {
    await as(carol, { method: 'POST', path: items, body: { fileId }, expect: 201 });
  }
  await as(carol, { method: 'POST', path: items, body: { fileId: ids.red }, expect: 409 });
  await as(carol, { method: 'DELETE', path: `${items}/${ids.navy}`, expect: 200 });
  const draft = await as(carol, {
    method: 'POST',
    path: '/v1/media/collections',
    body: { name: 'Lookbook' },
    expect: 201,
  });
  await as(carol, { method: 'DELETE', path: `/v1/media/collections/${draft.id}`, expect: 200 });
}
