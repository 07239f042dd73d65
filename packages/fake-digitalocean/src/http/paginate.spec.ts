import { pageUrlFor, paginate } from './paginate';

const items = Array.from({ length: 5 }, (_, i) => i + 1);
const url = pageUrlFor('http://127.0.0.1:1', '/v2/things', new URLSearchParams('tag_name=x'));

describe('paginate', () => {
  it('returns one page without links when everything fits', () => {
    expect(paginate('things', items, new URLSearchParams(), url)).toEqual({ things: items, links: {}, meta: { total: 5 } });
  });

  it('links to the other pages, keeping the query', () => {
    const page = paginate('things', items, new URLSearchParams('per_page=2&page=2'), url);
    expect(page.things).toEqual([3, 4]);
    expect(page.links).toEqual({
      pages: {
        first: 'http://127.0.0.1:1/v2/things?tag_name=x&page=1&per_page=2',
        prev: 'http://127.0.0.1:1/v2/things?tag_name=x&page=1&per_page=2',
        next: 'http://127.0.0.1:1/v2/things?tag_name=x&page=3&per_page=2',
        last: 'http://127.0.0.1:1/v2/things?tag_name=x&page=3&per_page=2',
      },
    });
  });
});
