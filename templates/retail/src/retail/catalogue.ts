/**
 * The sample catalogue the seed generator draws from: categories → product types → base products
 * (name, description, list price). Variants multiply each base product. Replace it with your own.
 */
export interface BaseProduct {
  readonly name: string;
  readonly description: string;
  readonly price: number;
}

export interface CatalogueCategory {
  readonly name: string;
  readonly types: ReadonlyArray<{ readonly name: string; readonly products: readonly BaseProduct[] }>;
}

const p = (name: string, description: string, price: number): BaseProduct => ({ name, description, price });

export const CATALOGUE: readonly CatalogueCategory[] = [
  {
    name: 'Coffee & Tea',
    types: [
      {
        name: 'Espresso Machines',
        products: [
          p('Barista Pro', 'Espresso machine with a 15-bar pump and a steam wand for lattes and cappuccinos.', 349),
          p('Crema Compact', 'Compact espresso machine for small kitchens; pulls an espresso shot in under a minute.', 199),
          p('Dual Boiler Elite', 'Dual boiler espresso machine with PID temperature control for cafe-quality espresso.', 899),
        ],
      },
      {
        name: 'Coffee Grinders',
        products: [
          p('Burr Master', 'Conical burr coffee grinder with 40 grind settings, from fine espresso to coarse French press.', 129),
          p('Hand Mill', 'Manual coffee grinder with ceramic burrs, quiet and portable for fresh coffee anywhere.', 49),
          p('Flat Burr Studio', 'Flat burr coffee grinder with a timer and low retention for consistent grounds.', 279),
        ],
      },
      {
        name: 'Tea Kettles',
        products: [
          p('Gooseneck Kettle', 'Electric gooseneck kettle with variable temperature for pour-over coffee and green tea.', 89),
          p('Stovetop Whistler', 'Stainless steel stovetop tea kettle that whistles when the water boils.', 39),
          p('Glass Tea Maker', 'Glass electric kettle with a loose-leaf tea infuser basket and keep-warm.', 69),
        ],
      },
    ],
  },
  {
    name: 'Kitchen',
    types: [
      {
        name: 'Cookware',
        products: [
          p('Cast Iron Skillet', 'Pre-seasoned cast iron skillet for searing steak and baking cornbread.', 45),
          p('Enamel Dutch Oven', 'Enamelled cast iron dutch oven for slow-cooked stews, braises and bread.', 159),
          p('Nonstick Saucepan', 'Nonstick saucepan with a glass lid for sauces, oatmeal and rice.', 35),
        ],
      },
      {
        name: 'Kitchen Knives',
        products: [
          p('Chef Knife', 'Forged steel chef knife with a full tang for chopping vegetables and slicing meat.', 99),
          p('Santoku Knife', 'Japanese santoku knife with a hollow edge for thin, even slices.', 79),
          p('Knife Block Set', 'Kitchen knife block set: chef, bread, paring and utility knives with a sharpener.', 229),
        ],
      },
      {
        name: 'Small Appliances',
        products: [
          p('Power Blender', 'High-speed blender for smoothies, frozen drinks, soups and nut butters.', 149),
          p('Air Fryer', 'Air fryer with a 5-quart basket for crispy fries and wings with little oil.', 119),
          p('Four Slice Toaster', 'Four-slice toaster with wide slots for bagels and a defrost setting.', 59),
        ],
      },
    ],
  },
  {
    name: 'Outdoor',
    types: [
      {
        name: 'Tents',
        products: [
          p('Trail Tent', 'Lightweight two-person backpacking tent with a waterproof rainfly.', 249),
          p('Family Dome Tent', 'Six-person dome tent for family camping with a screened porch.', 329),
          p('Ultralight Shelter', 'Ultralight trekking-pole shelter tent for thru-hiking, under one kilogram.', 399),
        ],
      },
      {
        name: 'Sleeping Bags',
        products: [
          p('Down Mummy Bag', 'Down mummy sleeping bag rated to -10 C for winter camping in cold weather.', 299),
          p('Summer Sleeping Bag', 'Light synthetic sleeping bag for warm summer nights and festivals.', 69),
          p('Double Sleeping Bag', 'Roomy double sleeping bag for two campers, zips open into a quilt.', 139),
        ],
      },
      {
        name: 'Backpacks',
        products: [
          p('Daypack', 'Twenty-litre hiking daypack with a hydration sleeve and rain cover.', 79),
          p('Expedition Pack', 'Sixty-five-litre backpacking pack with an adjustable frame for multi-day trips.', 259),
          p('Travel Backpack', 'Carry-on travel backpack with a laptop compartment and lockable zips.', 149),
        ],
      },
    ],
  },
  {
    name: 'Electronics',
    types: [
      {
        name: 'Headphones',
        products: [
          p('Quiet Over-Ear', 'Wireless over-ear headphones with active noise cancelling and 30-hour battery.', 299),
          p('Sport Earbuds', 'Sweat-resistant wireless earbuds for running and the gym.', 99),
          p('Studio Monitor Headphones', 'Wired studio headphones with a flat response for mixing music.', 159),
        ],
      },
      {
        name: 'Speakers',
        products: [
          p('Pocket Speaker', 'Waterproof portable bluetooth speaker for the beach and the pool.', 59),
          p('Smart Home Speaker', 'Smart speaker with a voice assistant and room-filling sound.', 129),
          p('Bookshelf Speakers', 'Pair of powered bookshelf speakers for turntables and desktop audio.', 249),
        ],
      },
      {
        name: 'Chargers',
        products: [
          p('Fast Wall Charger', 'Sixty-five-watt USB-C fast wall charger for laptops and phones.', 49),
          p('Power Bank', 'Twenty-thousand mAh power bank to charge a phone on long trips.', 59),
          p('Wireless Charging Pad', 'Qi wireless charging pad for phones and earbuds.', 29),
        ],
      },
    ],
  },
  {
    name: 'Home Office',
    types: [
      {
        name: 'Desks',
        products: [
          p('Standing Desk', 'Electric height-adjustable standing desk with memory presets.', 549),
          p('Writing Desk', 'Solid oak writing desk with a drawer for small home offices.', 299),
          p('Corner Desk', 'L-shaped corner desk with room for two monitors.', 379),
        ],
      },
      {
        name: 'Office Chairs',
        products: [
          p('Ergonomic Chair', 'Ergonomic office chair with lumbar support and adjustable armrests.', 399),
          p('Mesh Task Chair', 'Breathable mesh task chair for long working days.', 199),
          p('Kneeling Chair', 'Kneeling chair that encourages an upright posture at the desk.', 129),
        ],
      },
      {
        name: 'Desk Lamps',
        products: [
          p('LED Desk Lamp', 'Dimmable LED desk lamp with adjustable colour temperature and a USB port.', 69),
          p('Architect Lamp', 'Swing-arm architect lamp that clamps to the desk.', 89),
          p('Monitor Light Bar', 'Monitor light bar that lights the desk without screen glare.', 79),
        ],
      },
    ],
  },
  {
    name: 'Fitness',
    types: [
      {
        name: 'Yoga',
        products: [
          p('Grip Yoga Mat', 'Non-slip yoga mat with alignment lines for hot yoga and pilates.', 79),
          p('Cork Yoga Block', 'Cork yoga block for support in stretches and balance poses.', 19),
          p('Travel Yoga Mat', 'Foldable travel yoga mat that fits in a carry-on.', 49),
        ],
      },
      {
        name: 'Weights',
        products: [
          p('Adjustable Dumbbells', 'Adjustable dumbbells from 2 to 24 kilograms for home strength training.', 349),
          p('Kettlebell', 'Cast iron kettlebell for swings, squats and conditioning workouts.', 59),
          p('Resistance Bands', 'Set of five resistance bands for strength training and physiotherapy.', 29),
        ],
      },
      {
        name: 'Running Shoes',
        products: [
          p('Road Runner', 'Cushioned road running shoes for daily training and marathons.', 139),
          p('Trail Runner', 'Trail running shoes with a grippy outsole for mud and rocks.', 149),
          p('Racing Flat', 'Lightweight racing shoes with a carbon plate for fast 5K and 10K races.', 219),
        ],
      },
    ],
  },
];

/** Each base product comes in these variants: suffix, extra sentence, price factor. */
export const VARIANTS: ReadonlyArray<readonly [string, string, number]> = [
  ['', 'The original model.', 1],
  [' Plus', 'The Plus model adds premium materials.', 1.25],
  [' Mini', 'A smaller, lighter version.', 0.8],
  [' Max', 'The largest, most powerful version.', 1.5],
  [' Eco', 'Made with recycled materials.', 1.1],
];

export const STORES = [
  { name: 'Seattle Flagship', city: 'Seattle', region: 'West', isOnline: false, openedOn: '2015-03-01', weight: 5 },
  { name: 'Bellevue Square', city: 'Bellevue', region: 'West', isOnline: false, openedOn: '2017-06-15', weight: 3 },
  { name: 'Portland Pearl', city: 'Portland', region: 'West', isOnline: false, openedOn: '2018-09-01', weight: 3 },
  { name: 'Denver Union', city: 'Denver', region: 'Mountain', isOnline: false, openedOn: '2019-04-20', weight: 2 },
  { name: 'Austin Congress', city: 'Austin', region: 'South', isOnline: false, openedOn: '2020-11-05', weight: 2 },
  { name: 'Online Store', city: 'Online', region: 'Online', isOnline: true, openedOn: '2016-01-10', weight: 6 },
] as const;

export const FIRST_NAMES = ['Ana', 'Ben', 'Carla', 'David', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jon', 'Kofi', 'Lena', 'Marco', 'Nadia', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tara', 'Umar', 'Vera', 'Wen', 'Yara', 'Zoe'];
export const LAST_NAMES = ['Garcia', 'Smith', 'Nguyen', 'Kim', 'Patel', 'Muller', 'Rossi', 'Silva', 'Cohen', 'Okafor', 'Tanaka', 'Larsen', 'Novak', 'Haddad', 'Walsh', 'Lopez'];
