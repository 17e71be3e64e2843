import { Injectable } from '@nestjs/common';

export interface Dish {
  name: string;
  price: number;
  vegetarian: boolean;
}

/** Tonight's menu (a real app would read it from its database). */
@Injectable()
export class MenuService {
  private readonly dishes: Dish[] = [
    { name: 'mushroom risotto', price: 19, vegetarian: true },
    { name: 'grilled trout', price: 24, vegetarian: false },
    { name: 'lemon tart', price: 8, vegetarian: true },
  ];

  list(options: { vegetarian?: boolean } = {}): Dish[] {
    return this.dishes.filter((dish) => options.vegetarian === undefined || dish.vegetarian === options.vegetarian);
  }

  summary(): string {
    return this.dishes.map((dish) => `${dish.name} (${dish.price} EUR)`).join(', ');
  }
}
