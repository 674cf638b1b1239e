/**
 * The integrator's own tables (schema AO; on SQLite an attached database file): the links of
 * Allegro buyers and offers to Optima cards, and the ledger of documents per order. Created
 * idempotently on the gateway's first use.
 */
import type { Statement } from './sql';

export const MIGRATION_STATEMENTS = {
  createSchema: {
    mssql: "IF SCHEMA_ID(N'AO') IS NULL EXEC(N'CREATE SCHEMA AO')",
    sqlite: null, // AO is an attached database file
    params: {},
  },
  createContractorLinks: {
    mssql:
      "IF OBJECT_ID(N'AO.ContractorLinks', N'U') IS NULL CREATE TABLE AO.ContractorLinks (" +
      'LinkKey nvarchar(200) NOT NULL CONSTRAINT PK_AO_ContractorLinks PRIMARY KEY, KntId int NOT NULL, ' +
      'CreatedAt datetime NOT NULL)',
    sqlite:
      'CREATE TABLE IF NOT EXISTS AO.ContractorLinks (LinkKey TEXT NOT NULL PRIMARY KEY, KntId INTEGER NOT NULL, ' +
      'CreatedAt TEXT NOT NULL)',
    params: {},
  },
  createProductLinks: {
    mssql:
      "IF OBJECT_ID(N'AO.ProductLinks', N'U') IS NULL CREATE TABLE AO.ProductLinks (" +
      'LinkKey nvarchar(200) NOT NULL CONSTRAINT PK_AO_ProductLinks PRIMARY KEY, TwrId int NOT NULL, ' +
      'CreatedAt datetime NOT NULL)',
    sqlite:
      'CREATE TABLE IF NOT EXISTS AO.ProductLinks (LinkKey TEXT NOT NULL PRIMARY KEY, TwrId INTEGER NOT NULL, ' +
      'CreatedAt TEXT NOT NULL)',
    params: {},
  },
  // The ledger: one row per Allegro order id (PRIMARY KEY = unique), so a second document
  // for an order is impossible whatever the number of workers.
  createOrderDocuments: {
    mssql:
      "IF OBJECT_ID(N'AO.OrderDocuments', N'U') IS NULL CREATE TABLE AO.OrderDocuments (" +
      'OrderId nvarchar(200) NOT NULL CONSTRAINT PK_AO_OrderDocuments PRIMARY KEY, Account nvarchar(100) NOT NULL, ' +
      'DocumentId int NOT NULL, Kind varchar(4) NOT NULL, Number nvarchar(30) NOT NULL, ' +
      'GrossTotal decimal(15, 2) NOT NULL, CreatedAt datetime NOT NULL)',
    sqlite:
      'CREATE TABLE IF NOT EXISTS AO.OrderDocuments (OrderId TEXT NOT NULL PRIMARY KEY, Account TEXT NOT NULL, ' +
      'DocumentId INTEGER NOT NULL, Kind TEXT NOT NULL, Number TEXT NOT NULL, GrossTotal NUMERIC NOT NULL, ' +
      'CreatedAt TEXT NOT NULL)',
    params: {},
  },
  createOrderDocumentsIndex: {
    mssql:
      "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_AO_OrderDocuments_DocumentId' AND " +
      "object_id = OBJECT_ID(N'AO.OrderDocuments')) " +
      'CREATE INDEX IX_AO_OrderDocuments_DocumentId ON AO.OrderDocuments (DocumentId)',
    sqlite: 'CREATE INDEX IF NOT EXISTS AO.IX_AO_OrderDocuments_DocumentId ON OrderDocuments (DocumentId)',
    params: {},
  },
  // Allegro line item ids on a document: a merged checkout form reuses its parts' ids.
  createOrderLines: {
    mssql:
      "IF OBJECT_ID(N'AO.OrderLines', N'U') IS NULL CREATE TABLE AO.OrderLines (" +
      'LineId nvarchar(100) NOT NULL CONSTRAINT PK_AO_OrderLines PRIMARY KEY, DocumentId int NOT NULL, ' +
      'OrderId nvarchar(200) NOT NULL, CreatedAt datetime NOT NULL)',
    sqlite:
      'CREATE TABLE IF NOT EXISTS AO.OrderLines (LineId TEXT NOT NULL PRIMARY KEY, DocumentId INTEGER NOT NULL, ' +
      'OrderId TEXT NOT NULL, CreatedAt TEXT NOT NULL)',
    params: {},
  },
  // What was last sent to each Allegro offer's stock and price (offer-exports.ts).
  createOfferExports: {
    mssql:
      "IF OBJECT_ID(N'AO.OfferExports', N'U') IS NULL CREATE TABLE AO.OfferExports (" +
      'Account nvarchar(100) NOT NULL, OfferId varchar(20) NOT NULL, Field varchar(10) NOT NULL, ' +
      'Value nvarchar(40) NOT NULL, State varchar(10) NOT NULL, Reason nvarchar(1000) NULL, ' +
      'CommandId varchar(40) NULL, UpdatedAt datetime NOT NULL, ' +
      'CONSTRAINT PK_AO_OfferExports PRIMARY KEY (Account, OfferId, Field))',
    sqlite:
      'CREATE TABLE IF NOT EXISTS AO.OfferExports (Account TEXT NOT NULL, OfferId TEXT NOT NULL, Field TEXT NOT NULL, ' +
      'Value TEXT NOT NULL, State TEXT NOT NULL, Reason TEXT, CommandId TEXT, UpdatedAt TEXT NOT NULL, ' +
      'PRIMARY KEY (Account, OfferId, Field))',
    params: {},
  },
} satisfies Record<string, Statement>;

/** In order: the schema before its tables, a table before its index. */
export const MIGRATION: readonly Statement[] = Object.values(MIGRATION_STATEMENTS);
