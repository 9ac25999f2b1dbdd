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
#include "ops_read.h"
#include "ops_write.h"
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

/* What planning a direct modification gathers for its request. */
typedef struct DirectPlan
{
	const DynamoRelation *rel;
	Index		rtindex;
	DynamoExprBuilder b;		/* the request's #nN and :vN */
	StringInfoData cond;		/* ConditionExpression, guards last */
	StringInfoData sets;		/* SET ... */
	StringInfoData removes;		/* REMOVE ... */
	StringInfoData guardconds;	/* " AND guard" ... */
	List	   *guards;			/* see DirectGuardField */
	List	   *set_values;		/* :vN indexes of SET values */
	List	   *assigned;		/* attnos, in target list order */
	List	   *assign_exprs;
	List	   *quals;
} DirectPlan;

/* A guard's Integer list (see DirectGuardField). */
static List *
make_guard(int vidx, int sign, int didx, Oid type, int g, Oid value_type)
{
	return lappend(list_make5(makeInteger(vidx), makeInteger(sign), makeInteger(didx),
							  makeInteger(type), makeInteger(g)),
				   makeInteger(value_type));
}

/*
 * col = other || value on jsonb: list_append when the item's attribute is
 * a list and the value an array (the guard, and a check at run time),
 * where jsonb's || appends the array's elements just so.
 */
static bool
deparse_list_append(DirectPlan *dp, const DynamoColumn *col, OpExpr *op)
{
	Node	   *value = lsecond(op->args);
	const DynamoColumn *src = operand_column(dp->rel, dp->rtindex, linitial(op->args),
											 JSONBOID);
	int			g = list_length(dp->guards);
	int			vidx;
	const char *name;

	if (src == NULL || !is_row_free(value) || exprType(value) != JSONBOID)
		return false;
	name = dynamo_name_placeholder(&dp->b, col->attr);
	vidx = list_length(dp->b.values);
	appendStringInfo(&dp->sets, "%s%s = list_append(%s, %s)", dp->sets.len ? ", " : "",
					 name, dynamo_name_placeholder(&dp->b, src->attr),
					 dynamo_value_placeholder(&dp->b, (Expr *) value));
	appendStringInfo(&dp->guardconds, " AND attribute_type(%s, :g%dt)",
					 dynamo_name_placeholder(&dp->b, src->attr), g);
	dp->guards = lappend(dp->guards, make_guard(vidx, 0, -1, JSONBOID, g, JSONBOID));
	return true;
}

/*
 * The guard of col = src + value (DFLT: coalesce's default of src, or
 * NULL): src is a number, and for an integer the sum fits the column.
 */
static void
deparse_addition_guard(DirectPlan *dp, const DynamoColumn *col, const DynamoColumn *src,
					   Node *dflt, int g)
{
	const char *srcname = dynamo_name_placeholder(&dp->b, src->attr);

	appendStringInfoString(&dp->guardconds, " AND ");
	if (dflt)
		appendStringInfo(&dp->guardconds, "(attribute_not_exists(%s) OR ", srcname);
	if (col->type != NUMERICOID)
		appendStringInfo(&dp->guardconds, "%s BETWEEN :g%dlo AND :g%dhi", srcname, g, g);
	else
		appendStringInfo(&dp->guardconds, "attribute_type(%s, :g%dt)", srcname, g);
	if (dflt)
		appendStringInfoChar(&dp->guardconds, ')');
}

/*
 * col = operand + value, operand - value or value + operand (operand a
 * column, or coalesce of one): DynamoDB's SET #a = #b + :v, guarded so
 * that it computes exactly what PostgreSQL would or fails.
 */
static bool
deparse_addition(DirectPlan *dp, const DynamoColumn *col, OpExpr *op)
{
	Node	   *operand;
	Node	   *value;
	Node	   *dflt = NULL;
	const DynamoColumn *src;
	int			g = list_length(dp->guards);
	int			sign;
	int			vidx;
	int			didx = -1;
	int			i;

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
	src = operand_column(dp->rel, dp->rtindex, operand, col->type);
	if (src == NULL || (col->type == NUMERICOID && col->typmod >= 0))
		return false;

	appendStringInfo(&dp->sets, "%s%s = ", dp->sets.len ? ", " : "",
					 dynamo_name_placeholder(&dp->b, col->attr));
	if (dflt)
	{
		didx = list_length(dp->b.values);
		appendStringInfo(&dp->sets, "if_not_exists(%s, %s)",
						 dynamo_name_placeholder(&dp->b, src->attr),
						 dynamo_value_placeholder(&dp->b, (Expr *) dflt));
	}
	else
		appendStringInfoString(&dp->sets, dynamo_name_placeholder(&dp->b, src->attr));
	vidx = list_length(dp->b.values);
	appendStringInfo(&dp->sets, " %s %s", sign > 0 ? "+" : "-",
					 dynamo_value_placeholder(&dp->b, (Expr *) value));
	deparse_addition_guard(dp, col, src, dflt, g);
	dp->guards = lappend(dp->guards, make_guard(vidx, sign, didx, col->type, g,
												exprType(value)));
	return true;
}

/*
 * Write the assignment of E to COL into DP (its guard too), or return
 * false when DynamoDB cannot compute it exactly.
 */
static bool
deparse_assignment(DirectPlan *dp, const DynamoColumn *col, Expr *e)
{
	const char *name;

	if (IsA(e, Const) && ((Const *) e)->constisnull)
	{
		appendStringInfo(&dp->removes, "%s%s", dp->removes.len ? ", " : "",
						 dynamo_name_placeholder(&dp->b, col->attr));
		return true;
	}
	if (is_row_free((Node *) e))
	{
		name = dynamo_name_placeholder(&dp->b, col->attr);
		dp->set_values = lappend_int(dp->set_values, list_length(dp->b.values));
		appendStringInfo(&dp->sets, "%s%s = %s", dp->sets.len ? ", " : "", name,
						 dynamo_value_placeholder(&dp->b, e));
		return true;
	}
	if (IsA(e, OpExpr) && ((OpExpr *) e)->opfuncid == F_JSONB_CONCAT &&
		col->type == JSONBOID && list_length(((OpExpr *) e)->args) == 2)
		return deparse_list_append(dp, col, (OpExpr *) e);
	if (IsA(e, OpExpr) && is_addable_type(col->type))
		return deparse_addition(dp, col, (OpExpr *) e);
	return false;
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
 * The ForeignScan under PLAN when it is a GetItem of the result relation
 * RESULTRELATION by its whole key, and the statement one that a single
 * request may do (one RETURNING list, no triggers); NULL otherwise.
 */
static ForeignScan *
direct_candidate(PlannerInfo *root, ModifyTable *plan, Index resultRelation)
{
	Plan	   *subplan = outerPlan(plan);
	ForeignScan *fscan;

	if (plan->operation != CMD_UPDATE && plan->operation != CMD_DELETE)
		return NULL;
	if (subplan == NULL || !IsA(subplan, ForeignScan))
		return NULL;
	fscan = (ForeignScan *) subplan;
	if (fscan->scan.scanrelid != resultRelation || fscan->fs_relids == NULL ||
		intVal(list_nth(fscan->fdw_private, ScanPrivateOperation)) != DYNAMO_OP_GET_ITEM ||
		intVal(list_nth(fscan->fdw_private, ScanPrivateNumKeys)) != 1)
		return NULL;
	if (plan->returningLists && list_length(plan->returningLists) != 1)
		return NULL;
	if (has_triggers(planner_rt_fetch(resultRelation, root)->relid))
		return NULL;
	return fscan;
}

/* Every condition of the scan into DP's ConditionExpression, or false. */
static bool
deparse_conditions(DirectPlan *dp, PlannerInfo *root)
{
	RelOptInfo *baserel = root->simple_rel_array[dp->rtindex];
	DynamoDeparseContext ctx;
	ListCell   *lc;

	ctx.root = root;
	ctx.relid = dp->rtindex;
	ctx.rel = dp->rel;
	ctx.allow_outer = false;
	ctx.in_or = false;
	appendStringInfo(&dp->cond, "attribute_exists(%s)",
					 dynamo_name_placeholder(&dp->b, dp->rel->meta->partition_key));
	foreach(lc, baserel->baserestrictinfo)
	{
		RestrictInfo *ri = lfirst(lc);
		DynamoCond *c;

		if (ri->pseudoconstant)
			return false;
		c = dynamo_classify(ri->clause, &ctx);
		if (c == NULL)
			return false;
		appendStringInfoString(&dp->cond, " AND ");
		dynamo_deparse_cond(&dp->cond, c, &dp->b);
		dp->quals = lappend(dp->quals, ri->clause);
	}
	return true;
}

/* Every assignment of an UPDATE into DP, or false (keys are never assigned). */
static bool
deparse_assignments(DirectPlan *dp, PlannerInfo *root)
{
	const DynamoRelation *rel = dp->rel;
	List	   *tlist;
	List	   *attnos;
	ListCell   *lc;
	ListCell   *lc2;

	get_translated_update_targetlist(root, dp->rtindex, &tlist, &attnos);
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
		if (!deparse_assignment(dp, col, tle->expr))
			return false;
		dp->assigned = lappend_int(dp->assigned, attno);
		dp->assign_exprs = lappend(dp->assign_exprs, tle->expr);
	}
	return true;
}

/*
 * The node returns the new row itself (for RETURNING): the target list's
 * new values become its columns, so that nothing is computed twice.
 */
static void
return_assigned(ForeignScan *fscan, const DirectPlan *dp)
{
	ListCell   *ac = list_head(dp->assigned);
	ListCell   *lc;

	foreach(lc, fscan->scan.plan.targetlist)
	{
		TargetEntry *tle = lfirst_node(TargetEntry, lc);
		const DynamoColumn *col;

		if (tle->resjunk || ac == NULL)
			continue;
		col = &dp->rel->columns[lfirst_int(ac) - 1];
		tle->expr = (Expr *) makeVar(dp->rtindex, col->attnum, col->type,
									 col->typmod, col->collation, 0);
		ac = lnext(dp->assigned, ac);
	}
}

/*
 * PlanDirectModify: turn the plan's ForeignScan, a GetItem of the target
 * table, into one UpdateItem or DeleteItem when everything the statement
 * asks can be said in it: every condition, every assignment, guards that
 * make DynamoDB compute exactly what PostgreSQL would.  Otherwise the
 * rows go through ModifyTable and the write buffer as usual.
 */
static bool
dynamoPlanDirectModify(PlannerInfo *root, ModifyTable *plan, Index resultRelation,
					   int subplan_index)
{
	ForeignScan *fscan = direct_candidate(root, plan, resultRelation);
	DirectPlan	dp;
	StringInfoData update;
	List	   *key_exprs;
	List	   *fdw_private;
	int			nvalues_scan;

	if (fscan == NULL)
		return false;
	memset(&dp, 0, sizeof(dp));
	dp.rel = dynamo_get_relation(planner_rt_fetch(resultRelation, root)->relid);
	dp.rtindex = resultRelation;
	initStringInfo(&dp.cond);
	initStringInfo(&dp.sets);
	initStringInfo(&dp.removes);
	initStringInfo(&dp.guardconds);
	if (!deparse_conditions(&dp, root))
		return false;
	if (plan->operation == CMD_UPDATE && !deparse_assignments(&dp, root))
		return false;
	initStringInfo(&update);
	if (dp.sets.len)
		appendStringInfo(&update, "SET %s", dp.sets.data);
	if (dp.removes.len)
		appendStringInfo(&update, "%sREMOVE %s", update.len ? " " : "", dp.removes.data);
	if (plan->operation == CMD_UPDATE && update.len == 0)
		return false;
	appendStringInfoString(&dp.cond, dp.guardconds.data);
	if (dp.cond.len > DYNAMO_MAX_EXPRESSION_BYTES || update.len > DYNAMO_MAX_EXPRESSION_BYTES)
		return false;

	/* the key, as the GetItem had it */
	nvalues_scan = intVal(list_nth(fscan->fdw_private, ScanPrivateNumValues));
	key_exprs = list_copy_tail(fscan->fdw_exprs, nvalues_scan);

	fdw_private = list_make5(makeString(dp.rel->meta->table_name),
							 makeString(update.data),
							 makeString(dp.cond.data),
							 dp.b.names,
							 makeInteger(list_length(dp.b.values)));
	fdw_private = lappend(fdw_private, makeInteger(list_length(key_exprs)));
	fdw_private = lappend(fdw_private, dp.guards);
	fdw_private = lappend(fdw_private, dp.set_values);
	fdw_private = lappend(fdw_private, dp.assigned);
	fdw_private = lappend(fdw_private, dynamo_plan_value_display(dp.b.values));
	return_assigned(fscan, &dp);

	fscan->operation = plan->operation;
	fscan->resultRelation = resultRelation;
	fscan->fdw_private = fdw_private;
	fscan->fdw_exprs = list_concat(list_concat(list_concat(dp.b.values, key_exprs),
											   dp.assign_exprs), dp.quals);
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

/*
 * BeginDirectModify: the request's parts from the plan, the expressions
 * of its values, key and assignments, and whether it may go at once (the
 * statement is its whole transaction) or must be buffered.
 */
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
static DynamoValue *
eval_key(DynamoDirectState *d, ForeignScanState *node)
{
	DynamoValue *key = dynamo_value_object();
	ListCell   *lc;
	ListCell   *tc;
	int			i = 0;

	forboth(lc, d->key_states, tc, d->key_types)
	{
		const char *attr = i == 0 ? d->rel->meta->partition_key : d->rel->meta->sort_key;
		bool		isnull;
		Datum		v = eval(d, node, lfirst(lc), &isnull);
		DynamoValue *av;
		const DynamoValue *inner;

		if (isnull || !dynamo_value_storable(v, lfirst_oid(tc)))
			return NULL;
		av = dynamo_datum_to_av(v, lfirst_oid(tc));
		if (av == NULL)
			return NULL;
		dynamo_value_set(key, attr, av);
		/* DynamoDB refuses an empty key value; no item has one */
		if (((inner = dynamo_value_member(av, "S")) != NULL ||
			 (inner = dynamo_value_member(av, "B")) != NULL) &&
			inner->kind == DYNAMO_VALUE_STRING && inner->len == 0)
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
guard_values(List *g, Datum *vals, bool *nulls, DynamoValue *values)
{
	int			vidx = intVal(list_nth(g, GuardValue));
	int			sign = intVal(list_nth(g, GuardSign));
	int			didx = intVal(list_nth(g, GuardDefault));
	Oid			type = intVal(list_nth(g, GuardType));
	int			num = intVal(list_nth(g, GuardNumber));
	int64		lo;
	int64		hi;
	int64		c;

	if (nulls[vidx] || (didx >= 0 && nulls[didx]))
		return false;
	if (type == JSONBOID)
	{
		Jsonb	   *jb = DatumGetJsonbP(vals[vidx]);

		/* list_append takes a list: a scalar or object value reads the item */
		if (!JB_ROOT_IS_ARRAY(jb) || JB_ROOT_IS_SCALAR(jb))
			return false;
		dynamo_value_set(values, psprintf(":g%dt", num), dynamo_av_scalar("S", "L"));
		return true;
	}
	if (type == NUMERICOID)
	{
		dynamo_value_set(values, psprintf(":g%dt", num), dynamo_av_scalar("S", "N"));
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
	dynamo_value_set(values, psprintf(":g%dlo", num),
					 dynamo_av_scalar("N", psprintf(INT64_FORMAT, lo)));
	dynamo_value_set(values, psprintf(":g%dhi", num),
					 dynamo_av_scalar("N", psprintf(INT64_FORMAT, hi)));
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

/*
 * The statement's values as :vN (and the guards' bounds) into VALUES;
 * false when the request cannot be sent, *AMBIGUOUS saying whether the
 * read path must decide instead (see send_direct).
 */
static bool
eval_values(DynamoDirectState *d, ForeignScanState *node, DynamoValue *values,
			bool *ambiguous)
{
	int			n = d->nvalues;
	Datum	   *vals = palloc0(sizeof(Datum) * Max(n, 1));
	bool	   *nulls = palloc0(sizeof(bool) * Max(n, 1));
	ListCell   *lc;
	ListCell   *tc;
	int			i = 0;

	forboth(lc, d->value_states, tc, d->value_types)
	{
		DynamoValue *av = NULL;

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
		dynamo_value_set(values, psprintf(":v%d", i), av);
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
	return true;
}

/*
 * Send the request; true when DynamoDB applied it, with *attrs its item
 * (RETURNING).  False when it did not: *AMBIGUOUS when the read path must
 * decide what PostgreSQL would have done (a guard may have failed, or a
 * value is one DynamoDB cannot take), otherwise no item matched.
 */
static bool
send_direct(DynamoDirectState *d, ForeignScanState *node, const DynamoValue *key,
			bool *ambiguous, DynamoValue **attrs)
{
	ResultRelInfo *rinfo = node->resultRelInfo;
	DynamoValue *names = dynamo_value_object();
	DynamoValue *values = dynamo_value_object();
	const char *operation = d->operation == CMD_UPDATE ? "UpdateItem" : "DeleteItem";
	DynamoWrite w;
	DynamoError err;
	ListCell   *lc;
	int			i = 0;

	*ambiguous = false;
	*attrs = NULL;
	if (!eval_values(d, node, values, ambiguous))
		return false;
	foreach(lc, d->names)
		dynamo_value_set(names, psprintf("#n%d", i++), dynamo_value_string(strVal(lfirst(lc))));

	memset(&w, 0, sizeof(w));
	w.kind = d->operation == CMD_UPDATE ? DYNAMO_WRITE_UPDATE : DYNAMO_WRITE_DELETE;
	w.table = d->table;
	w.key = key;
	w.update = d->update;
	w.condition = d->condition;
	w.names = names;
	w.values = values;
	if (rinfo->ri_projectReturning)
		w.return_values = d->operation == CMD_UPDATE ? "ALL_NEW" : "ALL_OLD";

	d->requests++;
	if (dynamo_op_write_item(d->conn, &w, &err, attrs))
		return true;
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
	dynamo_report_error(d->conn, operation, &err, err.status);
}

/* Fill the scan slot with ITEM's row. */
static TupleTableSlot *
item_row(DynamoDirectState *d, ForeignScanState *node, const DynamoValue *item)
{
	TupleTableSlot *slot = node->ss.ss_ScanTupleSlot;

	ExecClearTuple(slot);
	memset(slot->tts_isnull, true, sizeof(bool) * slot->tts_tupleDescriptor->natts);
	dynamo_row_read(d->reader, item, slot->tts_values, slot->tts_isnull);
	return ExecStoreVirtualTuple(slot);
}

/*
 * What the read path read of ITEM: every column's attribute, or all of
 * them when a document column reads the whole item (readset.c).
 */
static DynamoValue *
what_was_read(DynamoDirectState *d, const DynamoValue *item)
{
	const char **attrs = palloc(sizeof(char *) * Max(d->rel->ncolumns, 1));
	int			nattrs = 0;
	bool		whole = false;
	int			i;

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
	return dynamo_readset_expect(item, d->rel->meta->partition_key,
									   d->rel->meta->sort_key, attrs, nattrs, whole);
}

/* OLD with the statement's assignments made: the new row of an UPDATE. */
static TupleTableSlot *
assigned_row(DynamoDirectState *d, ForeignScanState *node, TupleTableSlot *old)
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
	return ExecStoreVirtualTuple(new);
}

/*
 * The read path: read the item as this transaction sees it, decide and
 * compute as PostgreSQL does, and buffer the write conditioned on what was
 * read.  The RETURNING row, or NULL for 0 rows.
 */
static TupleTableSlot *
read_path(DynamoDirectState *d, ForeignScanState *node, const DynamoValue *key)
{
	EState	   *estate = node->ss.ps.state;
	ResultRelInfo *rinfo = node->resultRelInfo;
	ExprContext *econtext = node->ss.ps.ps_ExprContext;
	DynamoValue *item;
	DynamoValue *seen;
	DynamoValue *expect = NULL;
	TupleTableSlot *old;

	d->read_path = true;
	if (d->modify == NULL)
	{
		MemoryContext oldcxt = MemoryContextSwitchTo(estate->es_query_cxt);

		d->modify = dynamo_modify_begin_direct(estate, rinfo, d->operation);
		MemoryContextSwitchTo(oldcxt);
	}

	d->requests++;
	item = dynamo_op_read_item(d->conn, d->table, key, NULL);
	seen = dynamo_txn_see(d->rel->server->serverid, d->table, key, item);
	if (seen == NULL)
		return NULL;
	old = item_row(d, node, seen);
	econtext->ecxt_scantuple = old;
	if (!ExecQual(d->quals, econtext))
		return NULL;

	if (item)
		expect = what_was_read(d, item);
	if (d->operation == CMD_DELETE)
		return dynamo_modify_delete_row(d->modify, key, expect) ? old : NULL;
	return dynamo_modify_update_row(d->modify, rinfo, assigned_row(d, node, old), key,
									seen, expect);
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
	DynamoValue *key;

	if (d->done)
		return ExecClearTuple(node->ss.ss_ScanTupleSlot);
	d->done = true;

	MemoryContextReset(d->cxt);
	oldcxt = MemoryContextSwitchTo(d->cxt);
	key = eval_key(d, node);
	if (key)
	{
		bool		ambiguous = !d->immediate;
		DynamoValue *attrs = NULL;

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

/* EndDirectModify: nothing to release; the request's memory goes with the query. */
static void
dynamoEndDirectModify(ForeignScanState *node)
{
}

/*
 * ExplainDirectModify: the request as DynamoDB will get it (operation,
 * expressions, names and values) and when it is sent.
 */
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
