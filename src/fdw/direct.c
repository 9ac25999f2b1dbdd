/*-------------------------------------------------------------------------
 *
 * direct.c
 *		  UPDATE and DELETE of one item as one UpdateItem or DeleteItem
 *		  request, with no read first (direct modification).
 *
 * Portions Copyright (c) 2026, dynamo_fdw developers
 *
 * IDENTIFICATION
 *		  src/fdw/direct.c
 *
 * An UPDATE or DELETE whose WHERE fixes the full primary key, whose other
 * conditions DynamoDB evaluates exactly as PostgreSQL would (deparse.c's
 * rules, as for reads) and whose assignments DynamoDB can compute itself
 * becomes one request: DynamoDB reads, decides and writes the item
 * atomically, so concurrent increments all count.  The assignments it
 * computes:
 *
 *	col = value				SET #a = :v (any expression without the row's
 *							columns, evaluated once; NULL: REMOVE #a)
 *	col = other + c			SET #a = #b + :c, and - c (integer and numeric
 *							columns of one type; numeric without typmod)
 *	col = coalesce(other, c) + d
 *							SET #a = if_not_exists(#b, :c) + :d
 *	col = other || c		SET #a = list_append(#b, :c) (jsonb, c an array)
 *
 * The ConditionExpression holds the item's existence, the statement's
 * conditions and guards: an operand of + must exist and be a number, and
 * an integer's result must fit its type.  A failed condition is 0 rows;
 * when guards were part of it, the request cannot say which part failed,
 * and the statement takes the read path below to find out as PostgreSQL
 * would (raising "integer out of range", or assigning NULL).  RETURNING
 * comes from ReturnValues.
 *
 * The request goes out at once only in a single-statement transaction
 * (dynamo_txn_single_statement): then the statement is all there is to
 * commit.  In a transaction block, and in the rare cases above, the same
 * plan takes the read path: a consistent GetItem, the conditions and
 * assignments evaluated by PostgreSQL, and the write buffered with the
 * condition that the item still holds what was read (modify.c, txn.c) -
 * atomic with the rest of the transaction, visible to its later reads,
 * with exact row counts.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "ddb_json.h"

#include "access/table.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "commands/explain.h"
#include "executor/executor.h"
#include "foreign/fdwapi.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/appendinfo.h"
#include "optimizer/clauses.h"
#include "optimizer/optimizer.h"
#include "parser/parsetree.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/rel.h"

#include "client.h"
#include "convert.h"
#include "ddb_limits.h"
#include "deparse.h"
#include "direct.h"
#include "dynamo_fdw.h"
#include "ddb_value.h"
#include "modify.h"
#include "planner.h"
#include "readset.h"
#include "table.h"
#include "txn.h"

/* fdw_private of a direct modification, in this order. */
enum DynamoDirectPrivate
{
	DirectPrivateTable,			/* String: DynamoDB table */
	DirectPrivateUpdate,		/* String: UpdateExpression; "" for DELETE */
	DirectPrivateCondition,		/* String: ConditionExpression */
	DirectPrivateNames,			/* List of String: attribute of each #nN */
	DirectPrivateNumValues,		/* Integer: :vN expressions heading fdw_exprs */
	DirectPrivateNumKeys,		/* Integer: key expressions after them */
	DirectPrivateGuards,		/* List of Integer lists: see DirectGuard */
	DirectPrivateSetValues,		/* List of Integer: the :vN a SET assigns */
	DirectPrivateAssigned,		/* List of Integer: attnum of each assignment
								 * expression, after the keys */
	DirectPrivateValueDisplay	/* List of String: EXPLAIN's text of each :vN */
};

/*
 * A guard on an operand of + or -, #b: one Integer list of kind, the :vN
 * index of the added value, its sign, the :vN index of coalesce's default
 * (-1: none), the operand's type, the guard's number g and the added
 * value's type.  For an integer
 * type: #b BETWEEN :gNlo AND :gNhi, so that #b + sign * value fits; for
 * numeric: attribute_type(#b, :gNt).  With a default, attribute_not_exists
 * (#b) passes too.
 */
typedef enum DirectGuardField
{
	GuardValue,
	GuardSign,
	GuardDefault,
	GuardType,
	GuardNumber,
	GuardValueType
} DirectGuardField;

/* The executor's state of a direct modification. */
typedef struct DynamoDirectState
{
	DynamoRelation *rel;
	DynamoConn *conn;
	CmdType		operation;
	char	   *table;
	char	   *update;
	char	   *condition;
	List	   *names;
	List	   *value_display;
	int			nvalues;
	int			nkeys;
	List	   *guards;
	List	   *set_values;
	List	   *assigned;
	List	   *value_states;	/* ExprState of each :vN */
	List	   *value_types;
	List	   *key_states;
	List	   *key_types;
	List	   *assign_states;	/* ExprState of each assignment */
	ExprState  *quals;			/* every condition, for the read path */
	bool		done;
	bool		immediate;		/* sent at once (a single-statement txn) */
	bool		read_path;		/* took the read path (EXPLAIN ANALYZE) */
	uint64		requests;
	DynamoModifyState *modify;	/* the read path's buffered writes */
	DynamoRowReader *reader;	/* every column, for RETURNING and the read path */
	MemoryContext cxt;			/* the request's */
} DynamoDirectState;

/* ---- planning ---- */

/* Does E use no column of the row, no subquery and nothing volatile? */
static bool
is_row_free(Node *e)
{
	return !contain_var_clause(e) && !contain_volatile_functions(e) &&
		!contain_subplans(e) && !contain_exec_param(e, NIL);
}

/* Integer and numeric types DynamoDB adds exactly as PostgreSQL does. */
static bool
is_addable_type(Oid type)
{
	return type == INT2OID || type == INT4OID || type == INT8OID || type == NUMERICOID;
}

/*
 * PostgreSQL's integer and numeric + and -, with the types they take: the
 * operand (the column's type, also the result's) and the added value.
 */
static const struct
{
	Oid			func;
	Oid			operand;
	Oid			value;
	int			sign;
	bool		value_first;	/* value + operand */
}			additions[] =
{
	{F_INT2PL, INT2OID, INT2OID, 1, false},
	{F_INT2MI, INT2OID, INT2OID, -1, false},
	{F_INT4PL, INT4OID, INT4OID, 1, false},
	{F_INT4MI, INT4OID, INT4OID, -1, false},
	{F_INT42PL, INT4OID, INT2OID, 1, false},
	{F_INT42MI, INT4OID, INT2OID, -1, false},
	{F_INT24PL, INT4OID, INT2OID, 1, true},
	{F_INT8PL, INT8OID, INT8OID, 1, false},
	{F_INT8MI, INT8OID, INT8OID, -1, false},
	{F_INT84PL, INT8OID, INT4OID, 1, false},
	{F_INT84MI, INT8OID, INT4OID, -1, false},
	{F_INT48PL, INT8OID, INT4OID, 1, true},
	{F_INT82PL, INT8OID, INT2OID, 1, false},
	{F_INT82MI, INT8OID, INT2OID, -1, false},
	{F_INT28PL, INT8OID, INT2OID, 1, true},
	{F_NUMERIC_ADD, NUMERICOID, NUMERICOID, 1, false},
	{F_NUMERIC_SUB, NUMERICOID, NUMERICOID, -1, false},
};

/* An integer Datum of TYPE (int2, int4 or int8) as an int64. */
static int64
int_value(Datum d, Oid type)
{
	return type == INT2OID ? DatumGetInt16(d) :
		type == INT4OID ? DatumGetInt32(d) : DatumGetInt64(d);
}

/* A column of REL that an operand Var of RTINDEX names, if it may be one. */
static const DynamoColumn *
operand_column(const DynamoRelation *rel, Index rtindex, Node *n, Oid type)
{
	Var		   *v;
	const DynamoColumn *col;

	if (!IsA(n, Var))
		return NULL;
	v = (Var *) n;
	if (v->varno != (int) rtindex || v->varattno <= 0 || v->varattno > rel->ncolumns ||
		v->varlevelsup != 0)
		return NULL;
	col = &rel->columns[v->varattno - 1];
	if (col->dropped || col->document || col->type != type)
		return NULL;
	return col;
}

/*
 * Write the assignment of E to COL into SETS, with its guard into GUARDS
 * (as a condition into GUARDCONDS), or return false when DynamoDB cannot
 * compute it exactly.
 */
static bool
deparse_assignment(const DynamoRelation *rel, Index rtindex, const DynamoColumn *col,
				   Expr *e, DynamoExprBuilder *b, StringInfo sets, StringInfo removes,
				   StringInfo guardconds, List **guards, List **set_values)
{
	const char *name;
	OpExpr	   *op;
	Node	   *operand;
	Node	   *value;
	Node	   *dflt = NULL;
	const DynamoColumn *src;
	int			sign;
	int			g = list_length(*guards);
	int			vidx;
	int			didx = -1;
	bool		integer;
	int			i;

	if (IsA(e, Const) && ((Const *) e)->constisnull)
	{
		appendStringInfo(removes, "%s%s", removes->len ? ", " : "",
						 dynamo_name_placeholder(b, col->attr));
		return true;
	}
	if (is_row_free((Node *) e))
	{
		name = dynamo_name_placeholder(b, col->attr);
		*set_values = lappend_int(*set_values, list_length(b->values));
		appendStringInfo(sets, "%s%s = %s", sets->len ? ", " : "", name,
						 dynamo_value_placeholder(b, e));
		return true;
	}

	/*
	 * col = other || value on jsonb: list_append when the item's attribute is
	 * a list and the value an array (the guard, and a check at run time),
	 * where jsonb's || appends the array's elements just so.
	 */
	if (IsA(e, OpExpr) && ((OpExpr *) e)->opfuncid == F_JSONB_CONCAT &&
		col->type == JSONBOID && list_length(((OpExpr *) e)->args) == 2)
	{
		op = (OpExpr *) e;
		value = lsecond(op->args);
		src = operand_column(rel, rtindex, linitial(op->args), JSONBOID);
		if (src == NULL || !is_row_free(value) || exprType(value) != JSONBOID)
			return false;
		name = dynamo_name_placeholder(b, col->attr);
		vidx = list_length(b->values);
		appendStringInfo(sets, "%s%s = list_append(%s, %s)", sets->len ? ", " : "", name,
						 dynamo_name_placeholder(b, src->attr),
						 dynamo_value_placeholder(b, (Expr *) value));
		appendStringInfo(guardconds, " AND attribute_type(%s, :g%dt)",
						 dynamo_name_placeholder(b, src->attr), g);
		*guards = lappend(*guards, lappend(list_make5(makeInteger(vidx), makeInteger(0),
													  makeInteger(-1), makeInteger(JSONBOID),
													  makeInteger(g)),
										   makeInteger(JSONBOID)));
		return true;
	}

	/* col = operand + value, operand - value, or value + operand */
	if (!IsA(e, OpExpr) || !is_addable_type(col->type))
		return false;
	op = (OpExpr *) e;
	if (list_length(op->args) != 2 || op->opresulttype != col->type)
		return false;
	for (i = 0; i < (int) lengthof(additions); i++)
		if (additions[i].func == op->opfuncid && additions[i].operand == col->type)
			break;
	if (i == (int) lengthof(additions))
		return false;
	sign = additions[i].sign;
	operand = additions[i].value_first ? lsecond(op->args) : linitial(op->args);
	value = additions[i].value_first ? linitial(op->args) : lsecond(op->args);
	if (additions[i].operand == additions[i].value && sign > 0 && is_row_free(operand))
	{
		Node	   *t = operand;	/* value + operand, one type */

		operand = value;
		value = t;
	}
	if (!is_row_free(value) || exprType(value) != additions[i].value)
		return false;
	if (IsA(operand, CoalesceExpr))
	{
		CoalesceExpr *ce = (CoalesceExpr *) operand;

		if (list_length(ce->args) != 2 || !is_row_free(lsecond(ce->args)) ||
			exprType(lsecond(ce->args)) != col->type)
			return false;
		dflt = lsecond(ce->args);
		operand = linitial(ce->args);
	}
	src = operand_column(rel, rtindex, operand, col->type);
	if (src == NULL || (col->type == NUMERICOID && col->typmod >= 0))
		return false;
	integer = col->type != NUMERICOID;

	name = dynamo_name_placeholder(b, col->attr);
	appendStringInfo(sets, "%s%s = ", sets->len ? ", " : "", name);
	if (dflt)
	{
		didx = list_length(b->values);
		appendStringInfo(sets, "if_not_exists(%s, %s)",
						 dynamo_name_placeholder(b, src->attr),
						 dynamo_value_placeholder(b, (Expr *) dflt));
	}
	else
		appendStringInfoString(sets, dynamo_name_placeholder(b, src->attr));
	vidx = list_length(b->values);
	appendStringInfo(sets, " %s %s", sign > 0 ? "+" : "-",
					 dynamo_value_placeholder(b, (Expr *) value));

	/* the guard: the operand is a number, and for an integer, the sum fits */
	appendStringInfoString(guardconds, " AND ");
	if (dflt)
		appendStringInfo(guardconds, "(attribute_not_exists(%s) OR ",
						 dynamo_name_placeholder(b, src->attr));
	if (integer)
		appendStringInfo(guardconds, "%s BETWEEN :g%dlo AND :g%dhi",
						 dynamo_name_placeholder(b, src->attr), g, g);
	else
		appendStringInfo(guardconds, "attribute_type(%s, :g%dt)",
						 dynamo_name_placeholder(b, src->attr), g);
	if (dflt)
		appendStringInfoChar(guardconds, ')');
	*guards = lappend(*guards, lappend(list_make5(makeInteger(vidx), makeInteger(sign),
												  makeInteger(didx), makeInteger(col->type),
												  makeInteger(g)),
									   makeInteger(exprType(value))));
	return true;
}

/* Has the foreign table triggers?  They need the rows one by one. */
static bool
has_triggers(Oid relid)
{
	Relation	r = table_open(relid, NoLock);
	bool		result = r->trigdesc != NULL;

	table_close(r, NoLock);
	return result;
}

/*
 * PlanDirectModify: turn the plan's ForeignScan, a GetItem of the target
 * table, into one UpdateItem or DeleteItem when everything the statement
 * asks can be said in it.
 */
static bool
dynamoPlanDirectModify(PlannerInfo *root, ModifyTable *plan, Index resultRelation,
					   int subplan_index)
{
	CmdType		operation = plan->operation;
	Plan	   *subplan = outerPlan(plan);
	ForeignScan *fscan;
	RelOptInfo *baserel;
	RangeTblEntry *rte;
	DynamoRelation *rel;
	DynamoDeparseContext ctx;
	DynamoExprBuilder b = {NIL, NIL};
	StringInfoData sets;
	StringInfoData removes;
	StringInfoData cond;
	StringInfoData guardconds;
	StringInfoData update;
	List	   *guards = NIL;
	List	   *set_values = NIL;
	List	   *assigned = NIL;
	List	   *assign_exprs = NIL;
	List	   *quals = NIL;
	List	   *key_exprs;
	List	   *fdw_private;
	int			nvalues_scan;
	ListCell   *lc;

	if (operation != CMD_UPDATE && operation != CMD_DELETE)
		return false;
	if (subplan == NULL || !IsA(subplan, ForeignScan))
		return false;
	fscan = (ForeignScan *) subplan;
	if (fscan->scan.scanrelid != resultRelation || fscan->fs_relids == NULL ||
		intVal(list_nth(fscan->fdw_private, ScanPrivateOperation)) != DYNAMO_OP_GET_ITEM ||
		intVal(list_nth(fscan->fdw_private, ScanPrivateNumKeys)) != 1)
		return false;
	if (plan->returningLists && list_length(plan->returningLists) != 1)
		return false;
	rte = planner_rt_fetch(resultRelation, root);
	if (has_triggers(rte->relid))
		return false;
	baserel = root->simple_rel_array[resultRelation];
	rel = dynamo_get_relation(rte->relid);

	/* the conditions: every one, or no direct modification */
	ctx.root = root;
	ctx.relid = resultRelation;
	ctx.rel = rel;
	ctx.allow_outer = false;
	ctx.in_or = false;
	initStringInfo(&cond);
	appendStringInfo(&cond, "attribute_exists(%s)",
					 dynamo_name_placeholder(&b, rel->meta->partition_key));
	foreach(lc, baserel->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst(lc);
		DynamoCond *c;

		if (ri->pseudoconstant)
			return false;
		c = dynamo_classify(ri->clause, &ctx);
		if (c == NULL)
			return false;
		appendStringInfoString(&cond, " AND ");
		dynamo_deparse_cond(&cond, c, &b);
		quals = lappend(quals, ri->clause);
	}

	/* the assignments */
	initStringInfo(&sets);
	initStringInfo(&removes);
	initStringInfo(&guardconds);
	if (operation == CMD_UPDATE)
	{
		List	   *tlist;
		List	   *attnos;
		ListCell   *lc2;

		get_translated_update_targetlist(root, resultRelation, &tlist, &attnos);
		forboth(lc, tlist, lc2, attnos)
		{
			TargetEntry *tle = lfirst_node(TargetEntry, lc);
			AttrNumber	attno = lfirst_int(lc2);
			const DynamoColumn *col;

			if (attno <= 0 || attno > rel->ncolumns)
				return false;
			col = &rel->columns[attno - 1];
			if (col->dropped || col->document ||
				strcmp(col->attr, rel->meta->partition_key) == 0 ||
				(rel->meta->sort_key && strcmp(col->attr, rel->meta->sort_key) == 0))
				return false;
			if (!deparse_assignment(rel, resultRelation, col, tle->expr, &b, &sets,
									&removes, &guardconds, &guards, &set_values))
				return false;
			assigned = lappend_int(assigned, attno);
			assign_exprs = lappend(assign_exprs, tle->expr);
		}
	}
	initStringInfo(&update);
	if (sets.len)
		appendStringInfo(&update, "SET %s", sets.data);
	if (removes.len)
		appendStringInfo(&update, "%sREMOVE %s", update.len ? " " : "", removes.data);
	if (operation == CMD_UPDATE && update.len == 0)
		return false;
	appendStringInfoString(&cond, guardconds.data);
	if (cond.len > DYNAMO_MAX_EXPRESSION_BYTES || update.len > DYNAMO_MAX_EXPRESSION_BYTES)
		return false;

	/* the key, as the GetItem had it */
	nvalues_scan = intVal(list_nth(fscan->fdw_private, ScanPrivateNumValues));
	key_exprs = list_copy_tail(fscan->fdw_exprs, nvalues_scan);

	fdw_private = list_make5(makeString(rel->meta->table_name),
							 makeString(update.data),
							 makeString(cond.data),
							 b.names,
							 makeInteger(list_length(b.values)));
	fdw_private = lappend(fdw_private, makeInteger(list_length(key_exprs)));
	fdw_private = lappend(fdw_private, guards);
	fdw_private = lappend(fdw_private, set_values);
	fdw_private = lappend(fdw_private, assigned);
	fdw_private = lappend(fdw_private, dynamo_plan_value_display(b.values));

	/*
	 * The node returns the new row itself (for RETURNING): the target list's
	 * new values become its columns, so that nothing is computed twice.
	 */
	{
		ListCell   *ac = list_head(assigned);

		foreach(lc, fscan->scan.plan.targetlist)
		{
			TargetEntry *tle = lfirst_node(TargetEntry, lc);
			const DynamoColumn *col;

			if (tle->resjunk || ac == NULL)
				continue;
			col = &rel->columns[lfirst_int(ac) - 1];
			tle->expr = (Expr *) makeVar(resultRelation, col->attnum, col->type,
										 col->typmod, col->collation, 0);
			ac = lnext(assigned, ac);
		}
	}

	fscan->operation = operation;
	fscan->resultRelation = resultRelation;
	fscan->fdw_private = fdw_private;
	fscan->fdw_exprs = list_concat(list_concat(list_concat(b.values, key_exprs),
											   assign_exprs), quals);
	fscan->fdw_recheck_quals = NIL;
	/* the conditions are the request's: nothing is left to check here */
	fscan->scan.plan.qual = NIL;
	return true;
}

/* ---- executing ---- */

static Datum
eval(DynamoDirectState *d, ForeignScanState *node, ExprState *es, bool *isnull)
{
	return ExecEvalExprSwitchContext(es, node->ss.ps.ps_ExprContext, isnull);
}

static void
dynamoBeginDirectModify(ForeignScanState *node, int eflags)
{
	ForeignScan *fs = (ForeignScan *) node->ss.ps.plan;
	EState	   *estate = node->ss.ps.state;
	DynamoDirectState *d = palloc0(sizeof(DynamoDirectState));
	List	   *priv = fs->fdw_private;
	RangeTblEntry *rte;
	Oid			userid;
	ListCell   *lc;
	int			i;

	node->fdw_state = d;
	d->operation = fs->operation;
	d->table = strVal(list_nth(priv, DirectPrivateTable));
	d->update = strVal(list_nth(priv, DirectPrivateUpdate));
	d->condition = strVal(list_nth(priv, DirectPrivateCondition));
	d->names = list_nth(priv, DirectPrivateNames);
	d->nvalues = intVal(list_nth(priv, DirectPrivateNumValues));
	d->nkeys = intVal(list_nth(priv, DirectPrivateNumKeys));
	d->guards = list_nth(priv, DirectPrivateGuards);
	d->set_values = list_nth(priv, DirectPrivateSetValues);
	d->assigned = list_nth(priv, DirectPrivateAssigned);
	d->value_display = list_nth(priv, DirectPrivateValueDisplay);
	d->immediate = dynamo_txn_single_statement(estate);
	if (eflags & EXEC_FLAG_EXPLAIN_ONLY)
		return;

	rte = exec_rt_fetch(fs->scan.scanrelid, estate);
	userid = dynamo_scan_check_as_user(fs, estate, rte);
	if (!OidIsValid(userid))
		userid = GetUserId();
	d->rel = dynamo_get_relation(rte->relid);
	d->conn = dynamo_connect(d->rel->server, GetUserMapping(userid, d->rel->server->serverid));

	i = 0;
	foreach(lc, fs->fdw_exprs)
	{
		Expr	   *e = lfirst(lc);
		ExprState  *es = ExecInitExpr(e, (PlanState *) node);

		if (i < d->nvalues)
		{
			d->value_states = lappend(d->value_states, es);
			d->value_types = lappend_oid(d->value_types, exprType((Node *) e));
		}
		else if (i < d->nvalues + d->nkeys)
		{
			d->key_states = lappend(d->key_states, es);
			d->key_types = lappend_oid(d->key_types, exprType((Node *) e));
		}
		else if (i < d->nvalues + d->nkeys + list_length(d->assigned))
			d->assign_states = lappend(d->assign_states, es);
		i++;
	}
	d->quals = ExecInitQual(list_copy_tail(fs->fdw_exprs,
										   d->nvalues + d->nkeys + list_length(d->assigned)),
							(PlanState *) node);

	d->reader = dynamo_row_reader_create(d->rel->ncolumns);
	for (i = 0; i < d->rel->ncolumns; i++)
		if (!d->rel->columns[i].dropped)
			dynamo_row_reader_add(d->reader, &d->rel->columns[i], i);
	d->cxt = AllocSetContextCreate(estate->es_query_cxt, "dynamo_fdw direct modify",
								   ALLOCSET_DEFAULT_SIZES);
}

/* The item's key, or NULL when no item can have it (NULL, empty, odd number). */
static json_c_object *
eval_key(DynamoDirectState *d, ForeignScanState *node)
{
	json_c_object *key = json_object_new_object();
	ListCell   *lc;
	ListCell   *tc;
	int			i = 0;

	dynamo_json_own(key);
	forboth(lc, d->key_states, tc, d->key_types)
	{
		const char *attr = i == 0 ? d->rel->meta->partition_key : d->rel->meta->sort_key;
		bool		isnull;
		Datum		v = eval(d, node, lfirst(lc), &isnull);
		json_c_object *av;
		json_c_object *inner;

		if (isnull || !dynamo_value_storable(v, lfirst_oid(tc)))
			return NULL;
		av = dynamo_datum_to_av(v, lfirst_oid(tc));
		if (av == NULL)
			return NULL;
		json_object_object_add(key, attr, av);
		/* DynamoDB refuses an empty key value; no item has one */
		if ((json_object_object_get_ex(av, "S", &inner) ||
			 json_object_object_get_ex(av, "B", &inner)) &&
			json_object_get_string_len(inner) == 0)
			return NULL;
		i++;
	}
	return key;
}

/*
 * The guards' bounds for guard G (see DirectGuard) into VALUES; false when
 * the statement must take the read path (a NULL operand, or a default and
 * value whose sum does not fit).
 */
static bool
guard_values(List *g, Datum *vals, bool *nulls, json_c_object *values)
{
	int			vidx = intVal(list_nth(g, GuardValue));
	int			sign = intVal(list_nth(g, GuardSign));
	int			didx = intVal(list_nth(g, GuardDefault));
	Oid			type = intVal(list_nth(g, GuardType));
	int			num = intVal(list_nth(g, GuardNumber));
	int64		lo;
	int64		hi;
	int64		c;
	json_c_object *av;

	if (nulls[vidx] || (didx >= 0 && nulls[didx]))
		return false;
	if (type == JSONBOID)
	{
		Jsonb	   *jb = DatumGetJsonbP(vals[vidx]);

		/* list_append takes a list: a scalar or object value reads the item */
		if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb))
			return false;
		av = json_object_new_object();
		json_object_object_add(av, "S", json_object_new_string("L"));
		json_object_object_add(values, psprintf(":g%dt", num), av);
		return true;
	}
	if (type == NUMERICOID)
	{
		av = json_object_new_object();
		json_object_object_add(av, "S", json_object_new_string("N"));
		json_object_object_add(values, psprintf(":g%dt", num), av);
		return true;
	}
	switch (type)
	{
		case INT2OID:
			lo = PG_INT16_MIN;
			hi = PG_INT16_MAX;
			break;
		case INT4OID:
			lo = PG_INT32_MIN;
			hi = PG_INT32_MAX;
			break;
		default:
			lo = PG_INT64_MIN;
			hi = PG_INT64_MAX;
			break;
	}
	c = int_value(vals[vidx], intVal(list_nth(g, GuardValueType)));
	if (didx >= 0)
	{
		int64		dflt = int_value(vals[didx], type);
		int64		sum;

		if (sign > 0 ? pg_add_s64_overflow(dflt, c, &sum) : pg_sub_s64_overflow(dflt, c, &sum))
			return false;
		if (sum < lo || sum > hi)
			return false;
	}
	/* operand + c fits: lo - c <= operand <= hi - c (and + c for minus) */
	if (sign < 0)
	{
		if (c == PG_INT64_MIN)
			return false;
		c = -c;
	}
	if (c > 0)
		hi -= c;
	else if (c < 0)
		lo -= c;
	av = json_object_new_object();
	json_object_object_add(av, "N", json_object_new_string(psprintf(INT64_FORMAT, lo)));
	json_object_object_add(values, psprintf(":g%dlo", num), av);
	av = json_object_new_object();
	json_object_object_add(av, "N", json_object_new_string(psprintf(INT64_FORMAT, hi)));
	json_object_object_add(values, psprintf(":g%dhi", num), av);
	return lo <= hi;
}

/* Is :vN (N = I) the added value or the default of a guarded + ? */
static bool
is_guard_value(DynamoDirectState *d, int i)
{
	ListCell   *lc;

	foreach(lc, d->guards)
	{
		List	   *g = lfirst(lc);

		if (intVal(list_nth(g, GuardValue)) == i || intVal(list_nth(g, GuardDefault)) == i)
			return true;
	}
	return false;
}

/* Send the request; true when DynamoDB applied it, with *attrs its item. */
static bool
send_direct(DynamoDirectState *d, ForeignScanState *node, json_c_object *key,
			bool *ambiguous, json_c_object **attrs)
{
	ResultRelInfo *rinfo = node->resultRelInfo;
	int			n = d->nvalues;
	Datum	   *vals = palloc0(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc0(sizeof(bool) * Max(n, 1));
	json_c_object *req = json_object_new_object();
	json_c_object *names = json_object_new_object();
	json_c_object *values = json_object_new_object();
	json_c_object *resp;
	DynamoError err;
	ListCell   *lc;
	ListCell   *tc;
	int			i = 0;

	*ambiguous = false;
	*attrs = NULL;
	dynamo_json_own(req);
	forboth(lc, d->value_states, tc, d->value_types)
	{
		json_c_object *av = NULL;

		vals[i] = eval(d, node, lfirst(lc), &nulls[i]);
		if (!nulls[i] && dynamo_value_storable(vals[i], lfirst_oid(tc)))
			av = dynamo_datum_to_av(vals[i], lfirst_oid(tc));
		if (av == NULL)
		{
			/*
			 * A SET of NULL or of an empty set removes, and a NULL operand of +
			 * makes NULL: the read path says how.  A condition on NULL, or on
			 * a number no item holds, matches nothing.
			 */
			*ambiguous = list_member_int(d->set_values, i) ||
				(nulls[i] && is_guard_value(d, i));
			return false;
		}
		json_object_object_add(values, psprintf(":v%d", i), av);
		i++;
	}
	foreach(lc, d->guards)
	{
		if (!guard_values(lfirst(lc), vals, nulls, values))
		{
			*ambiguous = true;
			return false;
		}
	}
	i = 0;
	foreach(lc, d->names)
		json_object_object_add(names, psprintf("#n%d", i++),
							   json_object_new_string(strVal(lfirst(lc))));

	json_object_object_add(req, "TableName", json_object_new_string(d->table));
	json_object_object_add(req, "Key", json_object_get(key));
	if (d->operation == CMD_UPDATE)
		json_object_object_add(req, "UpdateExpression", json_object_new_string(d->update));
	json_object_object_add(req, "ConditionExpression", json_object_new_string(d->condition));
	json_object_object_add(req, "ExpressionAttributeNames", names);
	if (json_object_object_length(values) > 0)
		json_object_object_add(req, "ExpressionAttributeValues", values);
	else
		json_object_put(values);
	if (rinfo->ri_projectReturning)
		json_object_object_add(req, "ReturnValues",
							   json_object_new_string(d->operation == CMD_UPDATE ?
													  "ALL_NEW" : "ALL_OLD"));

	d->requests++;
	resp = dynamo_call(d->conn, d->operation == CMD_UPDATE ? "UpdateItem" : "DeleteItem",
					   req, &err);
	if (resp == NULL)
	{
		if (err.type && strcmp(err.type, "ConditionalCheckFailedException") == 0)
		{
			/* with guards in it, the failed part may be a guard */
			*ambiguous = d->guards != NIL;
			return false;
		}
		if (err.type && strcmp(err.type, "ValidationException") == 0 && err.message &&
			strstr(err.message, "Item size") != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("item %s of DynamoDB table \"%s\" is larger than DynamoDB's 400 KB item limit",
							dynamo_key_display(key, d->rel->meta->partition_key,
											   d->rel->meta->sort_key),
							d->table),
					 errdetail_internal("%s", err.message)));
		dynamo_report_error(d->conn, d->operation == CMD_UPDATE ? "UpdateItem" : "DeleteItem",
							&err, err.status);
	}
	json_object_object_get_ex(resp, "Attributes", attrs);
	return true;
}

/* Fill the scan slot with ITEM's row. */
static TupleTableSlot *
item_row(DynamoDirectState *d, ForeignScanState *node, json_c_object *item)
{
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;

	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	dynamo_row_read(d->reader, dynamo_value_from_json_c(item), slot->tts_values,
					slot->tts_isnull);
	return ExecStoreVirtualTuple(slot);
}

/*
 * The read path: read the item as this transaction sees it, decide and
 * compute as PostgreSQL does, and buffer the write conditioned on what was
 * read.  The RETURNING row, or NULL for 0 rows.
 */
static TupleTableSlot *
read_path(DynamoDirectState *d, ForeignScanState *node, json_c_object *key)
{
	EState	   *estate = node->ss.ps.state;
	ResultRelInfo *rinfo = node->resultRelInfo;
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	const DynamoTable *meta = d->rel->meta;
	json_c_object *req = json_object_new_object();
	json_c_object *resp;
	json_c_object *item = NULL;
	json_c_object *seen;
	json_c_object *expect = NULL;
	TupleTableSlot *old;
	const char **attrs;
	int			nattrs = 0;
	bool		whole = false;
	int			i;

	d->read_path = true;
	if (d->modify == NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(estate->es_query_cxt);

		d->modify = dynamo_modify_begin_direct(estate, rinfo, d->operation);
		MemoryContextSwitchTo(oldcxt);
	}

	dynamo_json_own(req);
	json_object_object_add(req, "TableName", json_object_new_string(d->table));
	json_object_object_add(req, "Key", json_object_get(key));
	json_object_object_add(req, "ConsistentRead", json_object_new_boolean(1));
	d->requests++;
	resp = dynamo_call(d->conn, "GetItem", req, NULL);
	json_object_object_get_ex(resp, "Item", &item);

	seen = dynamo_txn_see(d->rel->server->serverid, d->table, key, item);
	if (seen == NULL)
		return NULL;
	old = item_row(d, node, seen);
	econtext->ecxt_scantuple = old;
	if (!ExecQual(d->quals, econtext))
		return NULL;

	/* what was read: every column's attribute, or all of them */
	if (item)
	{
		attrs = palloc(sizeof(char *) * d->rel->ncolumns);
		for (i = 0; i < d->rel->ncolumns; i++)
		{
			const DynamoColumn *col = &d->rel->columns[i];

			if (col->dropped)
				continue;
			if (col->document)
				whole = true;
			else
				attrs[nattrs++] = col->attr;
		}
		expect = dynamo_readset_expect(item, meta->partition_key, meta->sort_key,
									   attrs, nattrs, whole);
	}

	if (d->operation == CMD_DELETE)
		return dynamo_modify_delete_row(d->modify, key, expect) ? old : NULL;
	else
	{
		TupleTableSlot *new = MakeSingleTupleTableSlot(old->tts_tupleDescriptor,
													   &TTSOpsVirtual);
		int			natts = old->tts_tupleDescriptor->natts;
		ListCell   *lc;
		ListCell   *ac;

		ExecClearTuple(new);
		memcpy(new->tts_values, old->tts_values, sizeof(Datum) * natts);
		memcpy(new->tts_isnull, old->tts_isnull, sizeof(bool) * natts);
		forboth(lc, d->assign_states, ac, d->assigned)
		{
			int			attno = lfirst_int(ac);

			new->tts_values[attno - 1] = eval(d, node, lfirst(lc),
											  &new->tts_isnull[attno - 1]);
		}
		ExecStoreVirtualTuple(new);
		return dynamo_modify_update_row(d->modify, rinfo, new, key, seen, expect);
	}
}

/*
 * IterateDirectModify: the one request (or the read path); then the
 * RETURNING row, if any, and the end.
 */
static TupleTableSlot *
dynamoIterateDirectModify(ForeignScanState *node)
{
	DynamoDirectState *d = node->fdw_state;
	EState	   *estate = node->ss.ps.state;
	ResultRelInfo *rinfo = node->resultRelInfo;
	TupleTableSlot *result = NULL;
	MemoryContext oldcxt;
	json_c_object *key;

	if (d->done)
		return ExecClearTuple(node->ss.ss_ScanTupleSlot);
	d->done = true;

	MemoryContextReset(d->cxt);
	oldcxt = MemoryContextSwitchTo(d->cxt);
	key = eval_key(d, node);
	if (key)
	{
		bool		ambiguous = !d->immediate;
		json_c_object *attrs = NULL;

		if (d->immediate && send_direct(d, node, key, &ambiguous, &attrs))
			result = attrs ? item_row(d, node, attrs) : node->ss.ss_ScanTupleSlot;
		else if (ambiguous)
			result = read_path(d, node, key);
	}
	MemoryContextSwitchTo(oldcxt);

	if (result == NULL)
		return ExecClearTuple(node->ss.ss_ScanTupleSlot);
	estate->es_processed++;
	if (node->ss.ps.instrument)
		node->ss.ps.instrument->tuplecount++;
	if (rinfo->ri_projectReturning == NULL)
		return ExecClearTuple(node->ss.ss_ScanTupleSlot);
	rinfo->ri_projectReturning->pi_exprContext->ecxt_scantuple = result;
	return result;
}

static void
dynamoEndDirectModify(ForeignScanState *node)
{
}

static void
dynamoExplainDirectModify(ForeignScanState *node, ExplainState *es)
{
	DynamoDirectState *d = node->fdw_state;

	ExplainPropertyText("DynamoDB Operation",
						d->operation == CMD_UPDATE ? "UpdateItem" : "DeleteItem", es);
	ExplainPropertyText("DynamoDB Table", d->table, es);
	if (d->operation == CMD_UPDATE)
		ExplainPropertyText("Update Expression", d->update, es);
	ExplainPropertyText("Condition Expression", d->condition, es);
	if (!es->analyze)
		ExplainPropertyText("Sent", "at once in a single-statement transaction; in a transaction block, at commit after a consistent GetItem", es);
	else
		ExplainPropertyText("Sent", d->immediate ? "at once" : "at commit, after a consistent GetItem", es);
	if (es->verbose)
	{
		StringInfoData buf;
		ListCell   *lc;
		int			i = 0;

		initStringInfo(&buf);
		foreach(lc, d->names)
		{
			appendStringInfo(&buf, "%s#n%d = %s", i > 0 ? ", " : "", i, strVal(lfirst(lc)));
			i++;
		}
		ExplainPropertyText("Attribute Names", buf.data, es);
		resetStringInfo(&buf);
		i = 0;
		foreach(lc, d->value_display)
		{
			appendStringInfo(&buf, "%s:v%d = %s", i > 0 ? ", " : "", i, strVal(lfirst(lc)));
			i++;
		}
		if (buf.len > 0)
			ExplainPropertyText("Attribute Values", buf.data, es);
	}
	if (es->analyze)
		ExplainPropertyInteger("DynamoDB Requests", NULL, d->requests, es);
}

/* The direct modification callbacks, for the handler. */
void
dynamo_direct_routine(FdwRoutine *routine)
{
	routine->PlanDirectModify = dynamoPlanDirectModify;
	routine->BeginDirectModify = dynamoBeginDirectModify;
	routine->IterateDirectModify = dynamoIterateDirectModify;
	routine->EndDirectModify = dynamoEndDirectModify;
	routine->ExplainDirectModify = dynamoExplainDirectModify;
}
