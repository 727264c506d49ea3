import { readFixture } from '../fixtures.js';
import type { FakeShop } from './fake-shop.js';

/** Sample products for the demo and the tests, photographed with the testkit's fixtures. */
export async function seedSampleCatalogue(shop: FakeShop) {
  const [mug, notebook, coffee, groceries, truck, chelsea] = await Promise.all([
    readFixture('ruby_mug.jpg'),
    readFixture('solidus_notebook.png'),
    readFixture('coffee.png'),
    readFixture('groceries.jpg'),
    readFixture('truck.jpg'),
    readFixture('chelsea.png'),
  ]);
  return [
    await shop.addProduct({
      title: 'Ruby Mug',
      vendor: 'Solidus',
      collections: ['Kitchen'],
      images: [
        { bytes: mug, fileName: 'ruby_mug.jpg', alt: 'A red conical mug on white' },
        { bytes: coffee, fileName: 'coffee.png', alt: 'The mug in use' },
      ],
      variants: [
        { title: 'Red', image: 0 },
        { title: 'Espresso', image: 1 },
      ],
    }),
    await shop.addProduct({
      title: 'Espresso Cup',
      vendor: 'Backdrop Demo',
      collections: ['Kitchen'],
      images: [{ bytes: coffee, fileName: 'espresso.png', alt: 'An espresso cup on a red saucer' }],
      variants: [{ title: 'Default Title', image: 0 }],
    }),
    await shop.addProduct({
      title: 'Notebook',
      vendor: 'Solidus',
      collections: ['Stationery'],
      images: [{ bytes: notebook, fileName: 'notebook.png', alt: 'A red hardcover notebook' }],
    }),
    await shop.addProduct({
      title: 'Grocery Bags',
      vendor: 'Backdrop Demo',
      status: 'DRAFT',
      collections: ['Kitchen'],
      images: [{ bytes: groceries, fileName: 'groceries.jpg', alt: 'Paper grocery bags' }],
    }),
    await shop.addProduct({
      title: 'Pickup Truck Model',
      vendor: 'Backdrop Demo',
      collections: ['Toys'],
      images: [{ bytes: truck, fileName: 'truck.jpg', alt: 'A white pickup truck' }],
    }),
    await shop.addProduct({
      title: 'Cat Poster',
      vendor: 'Backdrop Demo',
      collections: ['Prints'],
      images: [{ bytes: chelsea, fileName: 'chelsea.png', alt: 'A tabby cat' }],
    }),
  ];
}
