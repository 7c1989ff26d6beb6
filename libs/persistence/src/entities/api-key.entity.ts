import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An API key: only its SHA-256 is stored; the key itself is shown once, at creation. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn('uuid') id!: string;
  @Column('text') tenant!: string;
  @Column('text', { name: 'key_hash' }) keyHash!: string;
  @Column('text', { name: 'key_prefix' }) keyPrefix!: string;
  @Column('timestamptz', { name: 'created_at' }) createdAt!: Date;
  @Column('timestamptz', { name: 'revoked_at', nullable: true }) revokedAt!: Date | null;
}
