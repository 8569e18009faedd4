import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppException } from '../../common/errors/app.exception';
import { preparedQuery } from '../../database/prepared-query';
import { User } from './user.entity';

@Injectable()
export class UsersService {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** Creates the account unless the email is taken (ON CONFLICT: no race, no error); true when created. */
  async createIfAbsent(email: string, displayName: string, passwordHash: string): Promise<boolean> {
    const result = await this.users.createQueryBuilder().insert().values({ email, displayName, passwordHash }).orIgnore().returning('id').execute();
    return result.raw.length > 0;
  }

  findByEmailWithHash(email: string): Promise<User | null> {
    return this.users.createQueryBuilder('u').addSelect('u.passwordHash').where('u.email = :email', { email }).getOne();
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email } });
  }

  /** Every authenticated request checks its user still exists: one prepared statement, no entity. */
  async assertExists(id: string): Promise<void> {
    const rows = await preparedQuery(this.users.manager.connection, 'user-exists', 'SELECT 1 FROM users WHERE id = $1', [id]);
    if (!rows.length) throw AppException.unauthenticated('User no longer exists');
  }

  async get(id: string): Promise<User> {
    const user = await this.users.findOne({ where: { id } });
    if (!user) throw AppException.unauthenticated('User no longer exists');
    return user;
  }

  findByIds(ids: string[]): Promise<User[]> {
    return ids.length ? this.users.createQueryBuilder('u').where('u.id IN (:...ids)', { ids }).getMany() : Promise.resolve([]);
  }
}
