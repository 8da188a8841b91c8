import { graphqlEndpoint, imageSource, normaliseApiUrl } from '../lib/config';

describe('API URL helpers', () => {
  it.each([
    [undefined, 'http://127.0.0.1:4000'],
    ['  ', 'http://127.0.0.1:4000'],
    ['http://api.example:8080/', 'http://api.example:8080'],
    ['https://example.org/dim//', 'https://example.org/dim'],
  ])('normaliseApiUrl(%p) is %p', (value, expected) => {
    expect(normaliseApiUrl(value)).toBe(expected);
  });

  it('builds the GraphQL endpoint and image URLs on the API origin', () => {
    expect(graphqlEndpoint('http://h:1')).toBe('http://h:1/graphql');
    expect(imageSource('/images/12.png', 'http://h:1')).toBe('http://h:1/images/12.png');
    expect(imageSource('images/12.png', 'http://h:1')).toBe('http://h:1/images/12.png');
    expect(imageSource('https://cdn.example/12.png', 'http://h:1')).toBe('https://cdn.example/12.png');
  });
});
