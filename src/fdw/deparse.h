/*-------------------------------------------------------------------------
 *
 * deparse.h
 *		  Conditions as deparse.c classifies them, shared with planner.c.
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/deparse.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DYNAMO_DEPARSE_H
#define DYNAMO_DEPARSE_H

#include "lib/stringinfo.h"
#include "nodes/pathnodes.h"

#include "dynamo_fdw.h"
#include "table.h"

typedef enum DynamoCmp
{
	DYNAMO_CMP_NONE,
	DYNAMO_CMP_EQ,
	DYNAMO_CMP_NE,
	DYNAMO_CMP_LT,
	DYNAMO_CMP_LE,
	DYNAMO_CMP_GT,
	DYNAMO_CMP_GE
} DynamoCmp;

typedef enum DynamoCondKind
{
	DYNAMO_COND_CMP,			/* column op value */
	DYNAMO_COND_IN,				/* column IN (values) */
	DYNAMO_COND_PREFIX,			/* begins_with(column, value) */
	DYNAMO_COND_CONTAINS,		/* contains(column, value) on a string */
	DYNAMO_COND_IS_NULL,
	DYNAMO_COND_NOT_NULL,
	DYNAMO_COND_AND,
	DYNAMO_COND_OR
} DynamoCondKind;

/* A condition DynamoDB evaluates exactly as PostgreSQL would. */
typedef struct DynamoCond
{
	DynamoCondKind kind;
	const DynamoColumn *column; /* NULL for AND/OR */
	DynamoCmp	cmp;			/* DYNAMO_COND_CMP */
	List	   *values;			/* value expressions */
	List	   *args;			/* AND/OR: DynamoCond * */
} DynamoCond;

typedef struct DynamoDeparseContext
{
	PlannerInfo *root;
	Index		relid;			/* our relation's range table index */
	const DynamoRelation *rel;
	bool		allow_outer;	/* may values use other relations' Vars? */
	bool		in_or;			/* inside an OR: values must be constants */
} DynamoDeparseContext;

/* Placeholders handed out while writing expressions. */
typedef struct DynamoExprBuilder
{
	List	   *names;			/* String: attribute of #nN */
	List	   *values;			/* Expr: value of :vN */
} DynamoExprBuilder;

/* in deparse.c */
extern DynamoCond *dynamo_classify(Expr *clause, const DynamoDeparseContext *ctx);
extern void dynamo_deparse_cond(StringInfo buf, const DynamoCond *c,
								DynamoExprBuilder *b);
extern const char *dynamo_name_placeholder(DynamoExprBuilder *b, const char *attr);
extern char *dynamo_projection(const DynamoTable *t, List *attrs, DynamoExprBuilder *b);
extern const char *dynamo_value_placeholder(DynamoExprBuilder *b, Expr *value);
extern bool dynamo_cond_uses_attr(const DynamoCond *c, const char *attr);
extern char dynamo_family_tag(const DynamoColumn *col);

/* in planner.c */
extern List *dynamo_plan_value_display(List *values);

#endif							/* DYNAMO_DEPARSE_H */
