/*-------------------------------------------------------------------------
 *
 * ddb_limits.h
 *		  DynamoDB's limits, as its documentation states them, in one place.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/aws/ddb_limits.h
 *
 * Plain constants, no PostgreSQL or json-c: any layer may include this.
 * Where dynamo_fdw stays below a limit on purpose, the constant says so.
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_DDB_LIMITS_H
#define DYNAMO_DDB_LIMITS_H

/* Actions of one TransactWriteItems (or TransactGetItems) request. */
#define DYNAMO_MAX_TRANSACT_ACTIONS	100

/*
 * Bytes of one TransactWriteItems request, at most.  DynamoDB's limit is
 * 4 MB of items; the JSON we measure is a little larger than the items, so
 * staying under this keeps every request under DynamoDB's.
 */
#define DYNAMO_MAX_TRANSACT_REQUEST_BYTES	4000000

/* Keys of one BatchGetItem request. */
#define DYNAMO_MAX_BATCH_GET_KEYS	100

/* Items of one BatchWriteItem request. */
#define DYNAMO_MAX_BATCH_WRITE_ITEMS	25

/* Bytes of one expression string (ConditionExpression, UpdateExpression ...). */
#define DYNAMO_MAX_EXPRESSION_BYTES	4096

/* Operands of one IN comparison. */
#define DYNAMO_MAX_IN_VALUES	100

/* An item's size, 400 KB. */
#define DYNAMO_MAX_ITEM_BYTES	(400 * 1024)

/* The data one Query or Scan page reads, 1 MB. */
#define DYNAMO_MAX_PAGE_BYTES	(1024 * 1024)

/* Table names a ListTables page returns. */
#define DYNAMO_MAX_LIST_TABLES	100

/* Bytes of a table or index name. */
#define DYNAMO_MAX_NAME_BYTES	255

/*
 * Numbers: significant digits, and the decimal exponent of the first
 * significant digit (magnitudes from 1E-130 to 9.99...E+125).
 */
#define DYNAMO_MAX_NUMBER_DIGITS	38
#define DYNAMO_MAX_NUMBER_EXPONENT	125
#define DYNAMO_MIN_NUMBER_EXPONENT	(-130)

#endif							/* DYNAMO_DDB_LIMITS_H */
